import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.js'

// npm pack --ignore-scripts: `npm test` has just built dist/; packing must not rebuild it.
describe('the npm package', () => {
  let work: string
  let tarball: string
  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'circadian-pack-'))
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' })
    tarball = path.join(
      work,
      readdirSync(work).find((f) => f.endsWith('.tgz'))!,
    )
  }, 120_000)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('runs with npx --package ./circadian-<version>.tgz in an empty directory', () => {
    const project = path.join(work, 'empty-project')
    execFileSync('mkdir', ['-p', project])
    writeFileSync(
      path.join(project, 'circadian.config.ts'),
      `import { defineConfig } from 'circadian'\nexport default defineConfig({ jobs: { hello: { type: 'command', schedule: '*/5 * * * *', command: 'echo hi' } } })\n`,
    )
    const env = {
      ...process.env,
      npm_config_yes: 'true',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    }
    const r = spawnSync('npx', ['--yes', '--package', tarball, 'circadian', 'validate'], {
      cwd: project,
      env,
      encoding: 'utf8',
      timeout: 600_000,
    })
    expect(r.stderr).not.toMatch(/Error|error:/)
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('is valid: 1 job (command ×1)')
    const bad = spawnSync(
      'npx',
      [
        '--yes',
        '--package',
        tarball,
        'circadian',
        'next',
        'hello',
        '--from',
        '2026-01-01T00:00:00Z',
        '-n',
        '1',
        '--json',
      ],
      { cwd: project, env, encoding: 'utf8', timeout: 600_000 },
    )
    expect(JSON.parse(bad.stdout).jobs[0].fires).toEqual(['2026-01-01T00:05:00.000Z'])
  }, 600_000)
})
