import path from 'node:path'
import knex, { type Knex } from 'knex'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

const DAY = 86_400_000

/**
 * A plugin prunes its own tables under the core's policy, through `circadian state prune` (issue 20 §2):
 * the memory plugin's stage-run records (plugins/memory/src/store/prune-stage-runs.ts).
 */
describe('state prune and the memory plugin', () => {
  let box: Sandbox
  let memory: Knex
  beforeEach(() => {
    box = sandbox()
  })
  afterEach(async () => {
    await memory?.destroy()
    box.cleanup()
  })

  it('removes stage runs behind both rules, keeps the newest keepPerJob and never a running one; --dry-run only counts', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ retention: { maxAge: '2d', keepPerJob: 5 },
        connections: { memory: { client: 'sqlite', filename: 'memory.db' } },
        jobs: { w: { type: 'memory-cycle', stage: 'working', connection: 'memory' } } }`),
    )
    // A real run creates the plugin's tables (and its own stage-run record).
    const first = await box.run(['run', 'w'])
    expect(first.code, first.stderr).toBe(0)
    memory = knex({
      client: 'better-sqlite3',
      connection: { filename: path.join(box.dir, 'memory.db') },
      useNullAsDefault: true,
    })
    const now = Date.now()
    const record = (i: number, startedAt: number, status: string) => ({
      occurrence: `fixture-${i}`,
      stage: 'working',
      job: 'w',
      run_id: `run-${i}`,
      scheduled_for: startedAt,
      started_at: startedAt,
      finished_at: status === 'running' ? null : startedAt + 1000,
      status,
      rows_touched: 0,
    })
    // Oldest first (ids grow): one old record still running, 30 old finished ones, 3 fresh ones.
    await memory('memory_stage_runs').insert(record(0, now - 20 * DAY, 'running'))
    for (let i = 1; i <= 30; i++)
      await memory('memory_stage_runs').insert(record(i, now - 10 * DAY + i * 60_000, 'succeeded'))
    for (let i = 31; i <= 33; i++)
      await memory('memory_stage_runs').insert(record(i, now - 60_000 * (34 - i), 'succeeded'))
    const count = async () =>
      Number((await memory('memory_stage_runs').where({ job: 'w' }).count({ n: '*' }).first())?.n)
    const before = await count()

    // The newest 5 records are kept whatever their age (fixtures 29..33 at most): 28 old finished ones go.
    const dry = await box.run(['state', 'prune', '--dry-run', '--json'])
    expect(dry.code, dry.stderr).toBe(0)
    const dryReport = JSON.parse(dry.stdout)
    expect(dryReport.jobs.find((j: { job: string }) => j.job === 'w')).toMatchObject({ plugin: 28 })
    expect(await count()).toBe(before)

    const done = await box.run(['state', 'prune', '--json'])
    expect(done.code, done.stderr).toBe(0)
    expect(JSON.parse(done.stdout).jobs.find((j: { job: string }) => j.job === 'w')).toMatchObject({ plugin: 28 })
    expect(await count()).toBe(before - 28)
    const left = (await memory('memory_stage_runs').where({ job: 'w' }).select('occurrence')).map(
      (r: { occurrence: string }) => r.occurrence,
    )
    expect(left).toEqual(
      expect.arrayContaining(['fixture-0', 'fixture-29', 'fixture-30', 'fixture-31', 'fixture-32', 'fixture-33']),
    )
    expect(left.filter((o) => /^fixture-([1-9]|1\d|2[0-8])$/.test(o))).toEqual([])
  }, 60_000)
})
