import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Sandbox } from './cli.js'

/**
 * Links a tiny plugin into the sandbox's HOME that contributes `noop`, a job type that does nothing in-process
 * (no child process per run), so tests can fire many jobs a second.
 */
export async function linkNoopPlugin(box: Sandbox): Promise<void> {
  const dir = path.join(box.home, 'noop-plugin')
  mkdirSync(path.join(dir, 'hooks'), { recursive: true })
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'circadian-test-noop',
      version: '1.0.0',
      type: 'module',
      oclif: { hooks: { 'job-types': './hooks/job-types.js' } },
    }),
  )
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({
      name: 'circadian-test-noop',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'circadian-test-noop', version: '1.0.0' } },
    }),
  )
  writeFileSync(
    path.join(dir, 'hooks', 'job-types.js'),
    `import { defineJobType, z } from 'circadian'
export default async function () {
  return [defineJobType({ type: 'noop', options: z.object({ ms: z.number().default(0) }), run: async (ctx, o) => { if (o.ms) await new Promise((r) => setTimeout(r, o.ms)); return { status: 'ok' } } })]
}
`,
  )
  const r = await box.run(['plugins', 'link', dir, '--no-install'])
  if (r.code !== 0) throw new Error(`linking the noop plugin failed: ${r.stderr}`)
}
