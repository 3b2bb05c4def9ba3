import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync } from 'node:fs'
import path from 'node:path'
import knex from 'knex'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BIN, type Sandbox, sandbox, tsConfig } from '../../../test/helpers/cli.js'
import { T } from '../src/store/tables.js'
import { TEMPLATE_DIR } from './template.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `get` until it returns something truthy; generous, for a loaded machine. */
async function until<T>(what: string, get: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await get()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await sleep(200)
  }
}

describe('memory-cycle jobs under circadian serve', () => {
  let box: Sandbox
  let child: ChildProcess | undefined
  beforeEach(() => {
    box = sandbox()
  })
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const closed = new Promise((resolve) => child!.on('close', resolve))
      child.kill('SIGKILL')
      await closed
    }
    child = undefined
    box.cleanup()
  })

  it('runs each stage at its scheduled instants, one occurrence each, on the store its config names', async () => {
    copyFileSync(path.join(TEMPLATE_DIR, 'memories.sample.jsonl'), path.join(box.dir, 'memories.sample.jsonl'))
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        timezone: 'UTC',
        connections: { memory: { client: 'sqlite', filename: 'memory.db' } },
        jobs: {
          working: { type: 'memory-cycle', stage: 'working', connection: 'memory', seed: 'memories.sample.jsonl', schedule: '* * * * * *', timeout: '10s' },
          consolidation: { type: 'memory-cycle', stage: 'consolidation', connection: 'memory', seed: 'memories.sample.jsonl', schedule: '*/2 * * * * *', timeout: '300s' },
        },
      }`),
    )
    let output = ''
    child = spawn(process.execPath, [BIN, 'serve'], { cwd: box.dir, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (c) => (output += c))
    child.stderr!.on('data', (c) => (output += c))
    const store = knex({
      client: 'better-sqlite3',
      connection: { filename: path.join(box.dir, 'memory.db') },
      useNullAsDefault: true,
    })
    try {
      const done = (stage: string) =>
        store(T.stageRuns)
          .where({ stage, status: 'done' })
          .orderBy('scheduled_for')
          .select('occurrence', 'job', 'scheduled_for', 'summary')
          .catch(() => []) // the tables may not exist yet
      const working = await until(`three scheduled working runs\n${output}`, async () => {
        const rows = await done('working')
        return rows.length >= 3 && rows
      })
      const consolidation = await until(`a scheduled consolidation run\n${output}`, async () => {
        const rows = await done('consolidation')
        return rows.length >= 1 && rows
      })
      for (const r of [...working, ...consolidation]) {
        // The occurrence is the scheduled instant: a whole second (an even one for consolidation).
        const at = Number(r.scheduled_for)
        expect(at % 1000).toBe(0)
        expect(r.occurrence).toBe(`${r.job}@${new Date(at).toISOString()}`)
      }
      expect(Number(consolidation[0].scheduled_for) % 2000).toBe(0)
      expect(new Set(working.map((r) => r.occurrence)).size).toBe(working.length)
      expect(working.some((r) => String(r.summary).includes('7 of 7 slots in working memory'))).toBe(true)
    } finally {
      await store.destroy()
    }
    const closed = new Promise<number | null>((resolve) => child!.on('close', resolve))
    child.kill('SIGTERM')
    expect(await closed).toBe(0)
    // circadian's own history has the same runs, each from the scheduler.
    const history = await box.run(['history', '--limit', '10000', '--json'])
    const runs = (
      JSON.parse(history.stdout) as { runs: Array<{ job: string; status: string; trigger: string; summary: string }> }
    ).runs
    expect(
      runs.filter((r) => r.job === 'working' && r.status === 'succeeded' && r.trigger === 'schedule').length,
    ).toBeGreaterThanOrEqual(3)
    // The sample was loaded once, by whichever stage came first.
    expect(
      runs.filter((r) => r.summary.startsWith('loaded 28 sample memories from memories.sample.jsonl')),
    ).toHaveLength(1)
  })
})
