import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

const config = tsConfig(`{
  timezone: 'Europe/Berlin',
  jobs: {
    fixed: { type: 'command', schedule: '30 2 * * *', command: 'true' },
    wild: { type: 'command', schedule: '*/30 2 * * *', command: 'true' },
    de: { type: 'command', schedule: '0 9 * * *', calendar: { holidays: 'DE' }, command: 'true' },
  },
}`)

describe('circadian explain (end to end)', () => {
  it('--at in a DST gap: one line per step with the verdict in words; --json agrees with `next`', async () => {
    box.write('circadian.config.ts', config)
    const text = await box.run(['explain', 'fixed', '--at', '2026-03-29T02:30'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(
      /^ {2}PASS {2}dst\s+2026-03-29 02:30:00 does not exist in Europe\/Berlin.*first instant after the gap.*docs\/scheduling\.md#daylight-saving-time/m,
    )
    const json = JSON.parse((await box.run(['explain', 'fixed', '--at', '2026-03-29T02:30', '--json'])).stdout)
    const next = JSON.parse(
      (await box.run(['next', 'fixed', '--from', '2026-03-29T00:00', '--count', '1', '--json'])).stdout,
    )
    expect(json.occurrence).toBe(next.jobs[0].fires[0])
    expect(json.steps.map((s: { step: string }) => s.step)).toEqual(
      expect.arrayContaining(['schedule', 'cron', 'dst', 'occurrence', 'record']),
    )
    const wild = JSON.parse((await box.run(['explain', 'wild', '--at', '2026-03-29T02:30', '--json'])).stdout)
    expect(wild.steps.find((s: { step: string }) => s.step === 'dst').verdict).toBe('fail')
  })

  it('--next names the holiday skipped on the way', async () => {
    box.write('circadian.config.ts', config)
    const r = await box.run(['explain', 'de', '--next', '--count', '2', '--json'])
    expect(r.code).toBe(0)
    const steps = JSON.parse(r.stdout).steps
    expect(steps.filter((s: { step: string }) => s.step === 'next')).toHaveLength(2)
  })

  it('exit 2 with a clear message for an unknown job, a bad time or an unknown run; 3 when the store is unreachable', async () => {
    box.write('circadian.config.ts', config)
    const unknown = await box.run(['explain', 'fixd', '--at', '2026-03-29T02:30'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown job "fixd"')
    expect(unknown.stderr).not.toMatch(/\n\s+at /)
    const bad = await box.run(['explain', 'fixed', '--at', 'yesterday'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--at "yesterday" is not an ISO date-time')
    const run = await box.run(['explain', '--run', 'nope', '--json'])
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout).error.message).toContain('no run "nope"')
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ state: { client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none' }, jobs: { j: { type: 'command', schedule: '0 9 * * *', command: 'true' } } }`,
      ),
    )
    const down = await box.run(['explain', 'j', '--at', '2026-01-01T09:00:00Z'])
    expect(down.code).toBe(3)
    expect(down.stderr).not.toMatch(/\n\s+at /)
  })

  it('--run explains a recorded run; control characters in its summary do not reach the terminal', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ timezone: 'UTC', jobs: { e: { type: 'command', command: "printf 'x\\\\033[2Jy'; exit 1" } } }`),
    )
    await box.run(['run', 'e'])
    const history = JSON.parse((await box.run(['history', 'e', '--json'])).stdout)
    const id = history.runs[0].id
    const r = await box.run(['explain', '--run', id])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`FAIL  run`)
    expect(r.stdout).toContain('trigger manual')
    expect(r.stdout).not.toContain('\u001b')
  })
})
