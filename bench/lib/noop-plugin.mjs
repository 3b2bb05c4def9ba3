// A plugin contributing `noop`, an in-process job type that does nothing: benchmarks link it into a throwaway
// HOME so they measure the scheduler and the recording, not process spawning.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export function linkNoopPlugin(bin, dir, env) {
  mkdirSync(path.join(dir, 'hooks'), { recursive: true })
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'circadian-bench-noop',
      version: '1.0.0',
      type: 'module',
      oclif: { hooks: { 'job-types': './hooks/job-types.js' } },
    }),
  )
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({
      name: 'circadian-bench-noop',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'circadian-bench-noop', version: '1.0.0' } },
    }),
  )
  writeFileSync(
    path.join(dir, 'hooks', 'job-types.js'),
    `import { defineJobType, z } from 'circadian'
export default async function () {
  return [defineJobType({ type: 'noop', options: z.object({}), run: async (ctx) => ({ status: 'ok', data: { invokedLateMs: Date.now() - (ctx.run.scheduledFor ? ctx.run.scheduledFor.getTime() : Date.now()) } }) })]
}
`,
  )
  const r = spawnSync(process.execPath, [bin, 'plugins', 'link', dir, '--no-install'], { env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`plugins link failed: ${r.stderr}`)
}
