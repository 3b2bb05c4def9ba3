import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js'

let box: Sandbox
let pg: TestDatabase | undefined
beforeEach(() => {
  box = sandbox()
})
afterEach(async () => {
  await pg?.drop()
  pg = undefined
  box.cleanup()
})

describe('state export and import', () => {
  it('moves runs, job state, dead letters and breakers from SQLite to PostgreSQL; a second import adds nothing', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ resources: { r: { breaker: { failures: 1, halfOpenAfter: '1h' } } }, jobs: { ok: { type: 'command', command: 'echo fine' }, bad: { type: 'command', command: 'exit 4', resources: ['r'] } } }`,
      ),
    )
    await box.run(['run', 'ok'])
    await box.run(['run', 'bad'])
    await box.run(['pause', 'ok', '--reason', 'moving'])
    const exported = await box.run(['state', 'export', '--out', 'backup.jsonl'])
    expect(exported.code).toBe(0)
    expect(exported.stderr).toMatch(/exported \d+ row\(s\) to backup.jsonl/)

    pg = await createTestDatabase('pg')
    box.write(
      'pg.config.ts',
      tsConfig(
        `{ state: { client: 'pg', connection: '${pg.url}' }, resources: { r: { breaker: { failures: 1, halfOpenAfter: '1h' } } }, jobs: { ok: { type: 'command', command: 'echo fine' }, bad: { type: 'command', command: 'exit 4', resources: ['r'] } } }`,
      ),
    )
    const imported = await box.run(['state', 'import', 'backup.jsonl', '--config', 'pg.config.ts', '--json'])
    expect(imported.code).toBe(0)
    const tables = JSON.parse(imported.stdout).tables
    expect(tables.runs).toEqual({ read: 2, inserted: 2 })
    expect(tables.dead_letters).toEqual({ read: 1, inserted: 1 })
    expect(tables.breakers).toEqual({ read: 1, inserted: 1 })
    const before = JSON.parse((await box.run(['history', '--json'])).stdout).runs
    const after = JSON.parse((await box.run(['history', '--json', '--config', 'pg.config.ts'])).stdout).runs
    expect(after).toEqual(before)
    const status = JSON.parse((await box.run(['status', '--json', '--config', 'pg.config.ts'])).stdout)
    expect(status.jobs.find((j: { job: string }) => j.job === 'ok')).toMatchObject({
      paused: true,
      pauseReason: 'moving',
    })
    expect(
      JSON.parse((await box.run(['breakers', '--json', '--config', 'pg.config.ts'])).stdout).breakers[0].state,
    ).toBe('open')
    // Ids carried over, and PostgreSQL's sequence moved past them: a new dead letter gets the next id.
    await box.run(['run', 'bad', '--config', 'pg.config.ts'])
    await box.run(['breakers', 'reset', 'r', '--config', 'pg.config.ts'])
    await box.run(['run', 'bad', '--config', 'pg.config.ts'])
    expect(
      JSON.parse((await box.run(['dlq', 'list', '--json', '--config', 'pg.config.ts'])).stdout).deadLetters.map(
        (l: { id: number }) => l.id,
      ),
    ).toEqual([2, 1])
    const again = JSON.parse(
      (await box.run(['state', 'import', 'backup.jsonl', '--config', 'pg.config.ts', '--json'])).stdout,
    ).tables
    expect(Object.values(again).every((t) => (t as { inserted: number }).inserted === 0)).toBe(true)
  })

  it('a file that is not an export is a clear error (exit 2)', async () => {
    box.write('circadian.config.ts', tsConfig(`{ jobs: {} }`))
    box.write('bad.jsonl', '{"hello": 1}\n')
    const r = await box.run(['state', 'import', 'bad.jsonl'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('line 1: not a circadian state export')
    expect((await box.run(['state', 'import', 'missing.jsonl'])).code).toBe(2)
  })
})
