import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

describe('read-only commands exit as soon as they are done', () => {
  it('a large --json output reaches a pipe whole, and an invalid config still exits 2', async () => {
    const jobs = Array.from(
      { length: 3000 },
      (_, i) => `j${i}: { type: 'command', schedule: '*/5 * * * *', command: 'echo ${'x'.repeat(40)} ${i}' }`,
    ).join(', ')
    box.write('circadian.config.ts', tsConfig(`{ timezone: 'UTC', jobs: { ${jobs} } }`))
    const list = await box.run(['list', '--json'])
    expect(list.code).toBe(0)
    expect(list.stdout.length).toBeGreaterThan(200_000)
    expect(JSON.parse(list.stdout).jobs).toHaveLength(3000)
    const next = await box.run(['next', '--count', '5', '--json'])
    expect(JSON.parse(next.stdout).jobs.map((j: { fires: string[] }) => j.fires.length)).toEqual(
      new Array(3000).fill(5),
    )
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { bad: { type: 'command', schedule: '0 25 * * *', command: 'x' } } }`),
    )
    const invalid = await box.run(['validate', '--json'])
    expect(invalid.code).toBe(2)
    expect(JSON.parse(invalid.stdout).valid).toBe(false)
  })
})

describe('circadian next', () => {
  it('--json prints exactly {jobs:[{job, timezone, fires}]} with UTC instants', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ timezone: 'Europe/Berlin', jobs: { c01: { type: 'command', schedule: '0 9 * * 1-5', command: 'x' }, nyc: { type: 'command', timezone: 'America/New_York', schedule: '30 8 1 * *', command: 'x' } } }`,
      ),
    )
    const r = await box.run(['next', 'c01', 'nyc', '--from', '2026-01-01T00:00:00Z', '--count', '3', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      jobs: [
        {
          job: 'c01',
          timezone: 'Europe/Berlin',
          fires: ['2026-01-01T08:00:00.000Z', '2026-01-02T08:00:00.000Z', '2026-01-05T08:00:00.000Z'],
        },
        {
          job: 'nyc',
          timezone: 'America/New_York',
          fires: ['2026-01-01T13:30:00.000Z', '2026-02-01T13:30:00.000Z', '2026-03-01T13:30:00.000Z'],
        },
      ],
    })
  })

  it('follows the DST rule across the Berlin spring-forward gap', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ timezone: 'Europe/Berlin', jobs: { fixed: { type: 'command', schedule: '30 2 * * *', command: 'x' }, wild: { type: 'command', schedule: '*/30 * * * *', command: 'x' } } }`,
      ),
    )
    const r = JSON.parse((await box.run(['next', '--from', '2026-03-29T00:00:00Z', '--count', '3', '--json'])).stdout)
    expect(r.jobs[0].fires).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z',
    ])
    expect(r.jobs[1].fires).toEqual([
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:30:00.000Z',
    ])
  })

  it("the human form shows the job's local time with its offset (--utc: UTC, the same rule as every command); bad input is exit 2", async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { j: { type: 'command', timezone: 'Asia/Tokyo', schedule: '0 9 * * *', command: 'x' }, manual: { type: 'command', command: 'x' } } }`,
      ),
    )
    const r = await box.run(['next', 'j', '--from', '2025-12-31T23:00:00Z', '-n', '1'])
    expect(r.stdout).toContain('  2026-01-01 09:00:00 +09:00')
    const utc = await box.run(['next', 'j', '--from', '2025-12-31T23:00:00Z', '-n', '1', '--utc'])
    expect(utc.stdout).toContain('  2026-01-01 00:00:00 +00:00')
    expect((await box.run(['next', 'nope'])).code).toBe(2)
    expect((await box.run(['next', '--from', 'yesterday'])).code).toBe(2)
    expect((await box.run(['next', '--count', '0'])).code).toBe(2)
    expect(JSON.parse((await box.run(['next', 'manual', '--json'])).stdout).jobs[0].fires).toEqual([])
  })
})

describe('circadian list', () => {
  it('shows type, schedule, time zone and where it comes from, enabled, after and next fire', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ timezone: 'Europe/Berlin', jobs: {
        a: { type: 'command', schedule: '0 9 * * *', command: 'x' },
        b: { type: 'command', every: '90s', timezone: 'UTC', command: 'x', after: ['a'] },
        c: { type: 'command', at: '2099-01-01T00:00:00Z', enabled: false, command: 'x' },
        d: { type: 'command', after: ['a'], command: 'x' },
      } }`),
    )
    const { jobs } = JSON.parse((await box.run(['list', '--json'])).stdout)
    expect(
      jobs.map((j: Record<string, unknown>) => [j.job, j.schedule, j.timezone, j.timezoneSource, j.enabled, j.after]),
    ).toEqual([
      ['a', '0 9 * * *', 'Europe/Berlin', 'config', true, []],
      ['b', 'every 1m30s', 'UTC', 'job', true, ['a']],
      ['c', 'at 2099-01-01T00:00:00Z', 'Europe/Berlin', 'config', false, []],
      ['d', 'after a', 'Europe/Berlin', 'config', true, ['a']],
    ])
    expect(jobs[0].nextFire).toMatch(/T0[78]:00:00.000Z$/)
    expect(jobs[1].nextFire).not.toBeNull()
    expect(jobs[2].nextFire).toBeNull()
    expect(jobs[3].nextFire).toBeNull()
    const human = await box.run(['list'])
    expect(human.stdout).toMatch(/JOB\s+TYPE\s+SCHEDULE\s+TIMEZONE\s+ENABLED\s+AFTER\s+NEXT FIRE/)
  })
})

describe('circadian init', () => {
  it('writes a starter config that validates and runs, and adds .circadian/ to .gitignore once', async () => {
    writeFileSync(path.join(box.dir, '.gitignore'), 'node_modules/')
    const r = await box.run(['init'])
    expect(r.code).toBe(0)
    expect(readFileSync(path.join(box.dir, '.gitignore'), 'utf8')).toBe('node_modules/\n.circadian/\n')
    expect((await box.run(['validate'])).code).toBe(0)
    const run = await box.run(['run', '--all', '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).runs.map((x: { status: string }) => x.status)).toEqual(['succeeded', 'succeeded'])
    expect(existsSync(path.join(box.dir, '.circadian', 'state.db'))).toBe(true)
  })

  it('refuses to overwrite without --force (exit 2, file untouched)', async () => {
    box.write('circadian.config.ts', '// mine\n')
    const r = await box.run(['init'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('already exists')
    expect(readFileSync(path.join(box.dir, 'circadian.config.ts'), 'utf8')).toBe('// mine\n')
    expect((await box.run(['init', '--force'])).code).toBe(0)
    expect(readFileSync(path.join(box.dir, 'circadian.config.ts'), 'utf8')).toContain('defineConfig')
    expect(readFileSync(path.join(box.dir, '.gitignore'), 'utf8').match(/\.circadian\//g)).toHaveLength(1)
  })
})
