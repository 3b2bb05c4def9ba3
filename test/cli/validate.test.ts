import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

const NO_STACK = /\n\s+at .+:\d+:\d+/

describe('circadian validate', () => {
  it('accepts a valid TypeScript config that imports circadian with no node_modules near it', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ timezone: 'Europe/Berlin', jobs: { hello: { type: 'command', schedule: '0 9 * * 1-5', command: 'echo hi' } } }`,
      ),
    )
    const r = await box.run(['validate'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('is valid: 1 job (command ×1)')
  })

  it('reports every error at once with its path, exit 2, no stack trace', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        timezone: 'Europe/Berln',
        notifers: {},
        jobs: {
          revenue: { type: 'command', schedule: '0 25 * * *', command: 'true' },
          typo: { type: 'comand', command: 'x' },
          keys: { type: 'command', command: 'x', shedule: '* * * * *', retry: { attemps: 3 }, overlap: 'sometimes', timeout: 30 },
          a: { type: 'command', command: 'x', after: ['b'] },
          b: { type: 'command', command: 'x', after: ['a', 'nope'] },
          both: { type: 'command', command: 'x', every: '5m', schedule: '* * * * *' },
        },
      }`),
    )
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(NO_STACK)
    const expected = [
      'timezone: "Europe/Berln" is not an IANA time zone (did you mean "Europe/Berlin"?)',
      'notifers: unknown key "notifers" (did you mean "notifiers"?)',
      'jobs.revenue.schedule: "0 25 * * *" is not a valid cron expression (hour 25 is out of range 0-23)',
      'jobs.typo.type: unknown job type "comand" (did you mean "command"?); installed types: batch-import, batch-match, batch-score, command, memory-cycle, sql-alert',
      'jobs.keys.shedule: unknown key "shedule" (did you mean "schedule"?)',
      'jobs.keys.retry.attemps: unknown key "attemps" (did you mean "attempts"?)',
      'jobs.keys.overlap: "sometimes" is not one of "skip", "queue", "allow", "replace"',
      'jobs.keys.timeout: must be a duration string like "30s", "5m" or "1h"',
      'jobs.b.after[1]: unknown job "nope"',
      'jobs.a.after: dependency cycle: a → b → a',
      'jobs.both.every: a job takes one of schedule, every or at; this one has schedule and every',
    ]
    for (const line of expected) expect(r.stderr).toContain(line)
  })

  it('--json prints {valid, errors:[{path, message}]} and nothing else on stdout', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { r: { type: 'command', schedule: '61 * * * *', command: 'x' } } }`),
    )
    const r = await box.run(['validate', '--json'])
    expect(r.code).toBe(2)
    const out = JSON.parse(r.stdout)
    expect(out.valid).toBe(false)
    expect(out.errors).toEqual([
      {
        path: 'jobs.r.schedule',
        message: '"61 * * * *" is not a valid cron expression (minute 61 is out of range 0-59)',
      },
    ])
    const ok = box.write(
      'ok.config.json',
      JSON.stringify({ jobs: { r: { type: 'command', every: '5m', command: 'x' } } }),
    )
    const v = await box.run(['validate', '--json', '--config', ok])
    expect(v.code).toBe(0)
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, jobs: 1 })
  })

  it('names every unset env() variable, never a value', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        connections: { wh: { client: 'pg', connection: env('WAREHOUSE_URL') } },
        jobs: { j: { type: 'command', command: 'curl -H "token: ' + env('API_TOKEN') + '" ' + env('SET_VALUE') } },
      }`),
    )
    const r = await box.run(['validate', '--json'], { env: { SET_VALUE: 'sekrit-value-123' } })
    expect(r.code).toBe(2)
    const errors = JSON.parse(r.stdout).errors
    expect(errors).toContainEqual({
      path: 'connections.wh.connection',
      message: 'environment variable WAREHOUSE_URL is not set',
    })
    expect(errors).toContainEqual({ path: 'jobs.j.command', message: 'environment variable API_TOKEN is not set' })
    expect(r.stdout + r.stderr).not.toContain('sekrit-value-123')
  })

  it('finds the config from a subdirectory, and honours --config and CIRCADIAN_CONFIG', async () => {
    box.write('circadian.config.mjs', `export default { jobs: { top: { type: 'command', command: 'x' } } }`)
    const sub = path.join(box.dir, 'a', 'b')
    mkdirSync(sub, { recursive: true })
    expect((await box.run(['list', '--json'], { cwd: sub })).stdout).toContain('"top"')
    const other = box.write(
      'elsewhere/other.config.ts',
      tsConfig(`{ jobs: { other: { type: 'command', command: 'x' } } }`),
    )
    expect((await box.run(['list', '--json', '--config', other], { cwd: sub })).stdout).toContain('"other"')
    expect((await box.run(['list', '--json'], { cwd: sub, env: { CIRCADIAN_CONFIG: other } })).stdout).toContain(
      '"other"',
    )
    const missing = await box.run(['validate', '--config', 'nope.ts'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('Config file not found')
  })

  it('in one directory, a "circadian" key in package.json wins over circadian.config.* (cosmiconfig\'s own order); a package.json without it does not count', async () => {
    box.write(
      'package.json',
      JSON.stringify({ name: 'x', circadian: { jobs: { from_package: { type: 'command', command: 'x' } } } }),
    )
    box.write('circadian.config.ts', tsConfig(`{ jobs: { from_file: { type: 'command', command: 'x' } } }`))
    const r = await box.run(['list', '--json'])
    expect(JSON.parse(r.stdout).jobs.map((j: { job: string }) => j.job)).toEqual(['from_package'])
    box.write('package.json', JSON.stringify({ name: 'x' }))
    const without = await box.run(['list', '--json'])
    expect(JSON.parse(without.stdout).jobs.map((j: { job: string }) => j.job)).toEqual(['from_file'])
  })

  it('loads every supported format: package.json key, json, yaml, cjs, and function or promise exports', async () => {
    const cases: Array<[string, string]> = [
      ['package.json', JSON.stringify({ name: 'x', circadian: { jobs: { p: { type: 'command', command: 'x' } } } })],
      ['circadian.config.yaml', 'jobs:\n  y:\n    type: command\n    command: x\n'],
      [
        'circadian.config.cjs',
        `const { defineConfig } = require('circadian'); module.exports = defineConfig({ jobs: { c: { type: 'command', command: 'x' } } })`,
      ],
      [
        'circadian.config.mts',
        `import { defineConfig } from 'circadian'\nexport default defineConfig(async () => ({ jobs: { f: { type: 'command' as const, command: 'x' } } }))`,
      ],
      ['circadian.config.js', `export default Promise.resolve({ jobs: { pr: { type: 'command', command: 'x' } } })`],
    ]
    for (const [file, content] of cases) {
      const b = sandbox()
      try {
        b.write(file, content)
        const r = await b.run(['validate'])
        expect(r.stderr, file).toBe('')
        expect(r.code, file).toBe(0)
      } finally {
        b.cleanup()
      }
    }
  })

  it('bundles local imports and resolves node builtins from a TS config', async () => {
    box.write(
      'jobs/shared.ts',
      `import os from 'node:os'\nexport const host: string = os.hostname()\nexport const every = (m: number): string => m + 'm'`,
    )
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { local: { type: 'command', every: (await import('./jobs/shared.js')).every(5), command: 'echo ' + (await import('./jobs/shared.js')).host } } }`,
      ),
    )
    const r = await box.run(['list', '--json'])
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).jobs[0].schedule).toBe('every 5m')
  })

  it('a config with a syntax error or one that throws: exit 2 with the file and reason', async () => {
    box.write('circadian.config.ts', `export default {\n  jobs: { a: { type: 'command' \n}`)
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/circadian\.config\.ts:\d+:\d+: /)
    expect(r.stderr).not.toMatch(NO_STACK)
    box.write('circadian.config.ts', `throw new Error('no warehouse today')`)
    const t = await box.run(['validate'])
    expect(t.code).toBe(2)
    expect(t.stderr).toContain('no warehouse today')
  })

  it('an unknown command is bad usage: exit 2 with the closest command', async () => {
    const r = await box.run(['valdate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('"valdate" is not a circadian command. Did you mean "validate"?')
  })

  it('no config anywhere: exit 2 and a pointer to circadian init', async () => {
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('circadian init')
  })
})
