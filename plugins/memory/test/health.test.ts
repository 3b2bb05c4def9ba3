import path from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { ConnectionManager, type JobContext, type Notice, openStore } from 'circadian'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { memoryCycleJobType } from '../src/job-type/definition.js'
import { memoryCycleOptions } from '../src/options/schema.js'
import { type Harness, MINUTE, NAMESPACE, T0, harness } from './harness.js'

describe.each(['sqlite', 'pg', 'mysql'] as const)('health on %s', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
  })
  afterEach(async () => h.cleanup())

  it('is healthy on a new store, with the size of every table', async () => {
    await h.add([{ content: 'one' }, { content: 'two', store: 'long-term', strength: 0.8 }], T0)
    const result = await h.run({ stage: 'health' }, { at: T0 })
    expect(result.status).toBe('ok')
    expect(result.data).toMatchObject({
      reachable: true,
      problems: [],
      sizes: { items: 2, longTerm: 1, shortTerm: 0, working: 0, associations: 0 },
    })
    expect(result.summary).toBe('healthy: 6 stages on time; 2 memories (0 working, 0 short-term, 1 long-term, 0 links)')
    expect(h.notices).toEqual([])
  })

  it('reports a late stage as an alert; the notifiers hear from the plugin only when it stays degraded differently', async () => {
    await h.run({ stage: 'health' }, { at: T0 }) // the store is created at T0
    await h.run({ stage: 'working' }, { at: T0 + MINUTE })
    const notify = ['ops', 'pager']
    const at = T0 + 20 * MINUTE
    const result = await h.run({ stage: 'health' }, { at, notify })
    expect(result.status).toBe('alert')
    // short-term may lag 15 minutes; it never ran in the 20 minutes since the store was created.
    expect(result.summary).toBe(
      'degraded: short-term has not succeeded since the store was created 20m ago (limit 15m)',
    )
    const lags = (result.data as { lags: Array<{ stage: string; lagMs: number; late: boolean }> }).lags
    expect(lags.find((l) => l.stage === 'working')).toMatchObject({ lagMs: 19 * MINUTE, late: false })
    expect(lags.find((l) => l.stage === 'short-term')).toMatchObject({ lagMs: 20 * MINUTE, late: true })
    // Becoming degraded is the start of a streak of alerts: the core announces it, not the plugin.
    expect(result.data).toMatchObject({ notice: null })
    expect(h.notices).toEqual([])
    // The same occurrence again, and a later run that finds the same: nothing.
    expect((await h.run({ stage: 'health' }, { at: at + MINUTE, scheduledFor: at, notify })).data).toMatchObject({
      alreadyApplied: true,
    })
    const still = await h.run({ stage: 'health' }, { at: T0 + 35 * MINUTE, notify })
    expect(still).toMatchObject({ status: 'alert', data: { notice: null } })
    expect(h.notices).toEqual([])
    // Consolidation late too (its limit is 2 hours): still an alert, which the core does not announce again;
    // the plugin says what changed.
    const worse = await h.run({ stage: 'health', maxLag: { consolidation: '30m' } }, { at: T0 + 40 * MINUTE, notify })
    expect(worse.data).toMatchObject({ notice: 'changed' })
    expect(h.notices).toHaveLength(1)
    const { names, notice } = h.notices[0] as { names: string[]; notice: Notice }
    expect(names).toEqual(notify)
    expect(notice).toEqual({
      title: 'memory store still degraded, differently (memory_health)',
      severity: 'warning',
      text: 'short-term has not succeeded since the store was created 40m ago (limit 15m)\nconsolidation has not succeeded since the store was created 40m ago (limit 30m)',
      fields: { job: 'memory_health', reachable: true, lateStages: 2, memories: 0 },
    })
    // Every stage on time again: the core announces the recovery; the plugin only remembers it.
    await h.run({ stage: 'short-term' }, { at: T0 + 41 * MINUTE })
    await h.run({ stage: 'consolidation' }, { at: T0 + 41 * MINUTE })
    const healthy = await h.run({ stage: 'health', maxLag: { consolidation: '30m' } }, { at: T0 + 45 * MINUTE, notify })
    expect(healthy).toMatchObject({ status: 'ok', data: { notice: null } })
    // Degraded again later: a new streak, the core's to announce.
    const again = await h.run({ stage: 'health', maxLag: { consolidation: '30m' } }, { at: T0 + 80 * MINUTE, notify })
    expect(again).toMatchObject({ status: 'alert', data: { notice: null } })
    expect(h.notices).toHaveLength(1)
  })

  it('sends no notice of its own when the job does not want alert notices', async () => {
    await h.run({ stage: 'health' }, { at: T0 })
    const job = { stage: 'health', notifyOn: ['failure'] }
    await h.run(job, { at: T0 + 20 * MINUTE, notify: ['ops'] })
    const changed = await h.run({ ...job, maxLag: { consolidation: '30m' } }, { at: T0 + 40 * MINUTE, notify: ['ops'] })
    expect(changed.status).toBe('alert')
    expect(h.notices).toEqual([])
  })

  it('watches the stages and lags it is given, and shows an open LLM breaker without degrading', async () => {
    await h.run({ stage: 'working' }, { at: T0 })
    await h.kv.set('llm-breaker:http://127.0.0.1:11434', {
      failures: 2,
      openUntil: T0 + 10 * MINUTE,
      lastError: 'HTTP 500',
    })
    const ok = await h.run({ stage: 'health', stages: ['working'], maxLag: { working: '5m' } }, { at: T0 + 2 * MINUTE })
    expect(ok.status).toBe('ok')
    expect(ok.summary).toBe(
      'healthy: 1 stage on time; 0 memories (0 working, 0 short-term, 0 long-term, 0 links); LLM breaker open: http://127.0.0.1:11434',
    )
    const late = await h.run(
      { stage: 'health', stages: ['working'], maxLag: { working: '5m' } },
      { at: T0 + 19 * MINUTE },
    )
    expect(late.summary).toBe('degraded: working last succeeded 19m ago (limit 5m)')
  })
})

describe('health of an unreachable store', () => {
  it('is an alert, not a failure, shows no password, and is told as critical when a degraded store becomes unreachable', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'memory-health-'))
    const connections = new ConnectionManager(
      { memory: { client: 'pg', connection: 'postgres://memory:s3cret-pw@127.0.0.1:1/memory' } },
      dir,
    )
    await connections.prepare()
    const state = await openStore({ client: 'better-sqlite3', filename: path.join(dir, 'state.db') })
    // The last health run found short-term memory late.
    await state.kv.set(
      NAMESPACE,
      'health:memory_health',
      { degraded: true, issues: ['short-term'] },
      new Date(T0).toISOString(),
    )
    const notices: Notice[] = []
    const ctx: JobContext = {
      signal: new AbortController().signal,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      run: { id: 'r1', job: 'memory_health', type: 'memory-cycle', scheduledFor: null, attempt: 1, trigger: 'manual' },
      db: (name) => connections.get(name),
      kv: {
        get: (key) => state.kv.get(NAMESPACE, key),
        set: (key, value) => state.kv.set(NAMESPACE, key, value, new Date(T0).toISOString()),
        delete: (key) => state.kv.delete(NAMESPACE, key),
        list: (prefix) => state.kv.list(NAMESPACE, prefix),
      },
      notify: async (names, notice) => {
        notices.push(notice)
        return { ids: names.map((n) => `ntc_${notices.length}_${n}`) }
      },
      noticeStates: async (ids) => Object.fromEntries(ids.map((id) => [id, 'sent' as const])),
      clock: { now: () => T0 },
      configDir: dir,
    }
    try {
      const result = await memoryCycleJobType.run(
        ctx,
        memoryCycleOptions.parse({ stage: 'health', connection: 'memory', notify: ['ops'] }),
      )
      expect(result.status).toBe('alert')
      expect(result.summary).toMatch(/^degraded: the memory store cannot be reached: .*ECONNREFUSED/)
      expect(JSON.stringify(result)).not.toContain('s3cret-pw')
      expect(notices).toHaveLength(1)
      expect(notices[0]).toMatchObject({
        severity: 'critical',
        title: 'memory store still degraded, differently (memory_health)',
        fields: { reachable: false },
      })
      expect(notices[0].text).toMatch(/^the memory store cannot be reached: .*ECONNREFUSED/)
      expect(JSON.stringify(notices)).not.toContain('s3cret-pw')
    } finally {
      await connections.closeAll()
      await state.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
