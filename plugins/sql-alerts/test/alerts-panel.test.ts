import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  type DashboardPanelContext,
  type JobContext,
  type Notice,
  type Store,
  type ValidatedConfig,
  openStore,
} from 'circadian'
import knex, { type Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateConfig } from '../../../src/config/validate.js'
import coreJobTypes from '../../../src/hooks/job-types.js'
import { buildJobTypeRegistry } from '../../../src/run/job-type-registry.js'
import { namespaced } from '../src/cli/alert-store-session.js'
import { alertStatuses } from '../src/cli/status-report.js'
import { alertJobs } from '../src/cli/alert-jobs.js'
import { DASHBOARD_REASON, alertsPanel, readSilenceInput } from '../src/dashboard/alerts-panel.js'
import { runSqlAlert } from '../src/evaluate/run-alert.js'
import dashboardPanels from '../src/hooks/dashboard-panels.js'
import type { SqlAlertOptions } from '../src/job-type/options.js'
import { sqlAlertJobType } from '../src/job-type/sql-alert-type.js'
import { AlertStore, PLUGIN_NAMESPACE } from '../src/state/alert-store.js'

const HOUR = 3_600_000

describe('the dashboard "Alerts" panel, against a real SQLite state store', () => {
  let dir: string
  let data: Knex
  let store: Store
  let config: ValidatedConfig
  let ctx: DashboardPanelContext
  const sent: Array<{ job: string; notice: Notice }> = []
  let runs = 0

  /** Evaluates a job the way serve does: its ctx.kv is the plugin's namespace of the same store. */
  const evaluate = (job: string) => {
    const definition = config.jobs.get(job)!
    const jobCtx: JobContext = {
      signal: new AbortController().signal,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      run: { id: `run-${++runs}`, job, type: 'sql-alert', scheduledFor: null, attempt: 1, trigger: 'manual' },
      db: () => conn,
      kv: namespaced(store, PLUGIN_NAMESPACE),
      notify: async (names, notice) => {
        sent.push({ job, notice })
        return { ids: names.map((n) => `ntc_${sent.length}_${n}`) }
      },
      noticeStates: async (ids) => Object.fromEntries(ids.map((id) => [id, 'sent' as const])),
      clock: { now: () => Date.now() },
      configDir: dir,
    }
    return runSqlAlert(jobCtx, definition.options as SqlAlertOptions).catch((err: Error) => err)
  }
  let conn: Knex
  const row = async (job: string) => (await alertsPanel.rows(ctx)).find((r) => r.job === job)!

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sql-alerts-panel-'))
    data = knex({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'data.db') },
      useNullAsDefault: true,
    })
    await data.schema.createTable('metrics', (t) => t.integer('x'))
    await data('metrics').insert({ x: 5 })
    conn = data
    const registry = buildJobTypeRegistry([
      { plugin: 'circadian', result: await coreJobTypes() },
      { plugin: PLUGIN_NAMESPACE, result: [sqlAlertJobType] },
    ])
    config = validateConfig(
      {
        timezone: 'UTC',
        state: { client: 'sqlite', filename: 'state.db' },
        connections: { local: { client: 'sqlite', filename: 'data.db' } },
        jobs: {
          revenue: {
            type: 'sql-alert',
            connection: 'local',
            query:
              "select case when x > 3 then 'ALERT' else 'OK' end as status, x as actual_value, 3 as threshold from metrics",
          },
          broken: { type: 'sql-alert', connection: 'local', query: 'select status from missing_table' },
          fresh: { type: 'sql-alert', connection: 'local', query: "select 'OK' as status", for: 2 },
          hello: { type: 'command', command: 'true' },
        },
      },
      { file: path.join(dir, 'circadian.config.ts'), registry },
    )
    store = await openStore(config.state)
    ctx = { store, config, kv: namespaced(store, PLUGIN_NAMESPACE) }
  })
  afterAll(async () => {
    await store?.close()
    await data?.destroy()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('is what the dashboard-panels hook answers', async () => {
    expect(await dashboardPanels()).toEqual([alertsPanel])
    expect(alertsPanel).toMatchObject({ id: 'sql-alerts', title: 'Alerts', rowKey: 'job' })
  })

  it('has one row per sql-alert job (no other types), "never run" before the first evaluation', async () => {
    const rows = await alertsPanel.rows(ctx)
    expect(rows.map((r) => r.job)).toEqual(['revenue', 'broken', 'fresh'])
    expect(rows[0]).toEqual({
      job: 'revenue',
      state: 'never run',
      since: null,
      'value vs threshold': null,
      checked: null,
      'silenced until': null,
      'silenced by': null,
      reason: null,
    })
  })

  it('shows what the runs wrote: state, since, value vs threshold, the error of an ERROR alert', async () => {
    expect(await evaluate('revenue')).toMatchObject({ status: 'alert' })
    expect(await evaluate('broken')).toBeInstanceOf(Error)
    const revenue = await row('revenue')
    expect(revenue).toMatchObject({ state: 'ALERT', 'value vs threshold': '5 vs threshold 3', 'silenced until': null })
    expect(revenue.since).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+s\)$/)
    expect(revenue.checked).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)
    expect(await row('broken')).toMatchObject({
      state: 'ERROR',
      'value vs threshold': expect.stringContaining('missing_table'),
    })
    expect((await row('fresh')).state).toBe('never run')
  })

  it('offers Silence on every row and Unsilence only on silenced rows', async () => {
    const rows = await alertsPanel.rows(ctx)
    for (const r of rows) {
      expect(alertsPanel.actions!.silence.available?.(r) ?? true).toBe(true)
      expect(alertsPanel.actions!.unsilence.available!(r)).toBe(false)
    }
  })

  it('Silence "2h" records a silence with the default reason that the alert commands and the runs honour', async () => {
    const before = Date.now()
    const message = await alertsPanel.actions!.silence.run(ctx, await row('revenue'), { input: '2h' })
    expect(message).toMatch(
      /^Silenced revenue until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(2h\) by dashboard: silenced from the dashboard$/,
    )

    // The same record `circadian alerts status` reads.
    const [status] = await alertStatuses(
      alertJobs(config).filter((j) => j.name === 'revenue'),
      new AlertStore(namespaced(store, PLUGIN_NAMESPACE)),
      Date.now(),
    )
    expect(status.silenced).toMatchObject({ by: 'dashboard', reason: DASHBOARD_REASON, untilResolved: false })
    const until = Date.parse(status.silenced!.until!)
    expect(until - before).toBeGreaterThanOrEqual(2 * HOUR)
    expect(until - Date.now()).toBeLessThanOrEqual(2 * HOUR)

    const revenue = await row('revenue')
    expect(revenue).toMatchObject({
      'silenced until': `until ${new Date(until).toISOString().replace('T', ' ').slice(0, 19)}Z`,
      'silenced by': 'dashboard',
      reason: DASHBOARD_REASON,
    })
    expect(alertsPanel.actions!.unsilence.available!(revenue)).toBe(true)

    // The alert is still evaluated and recorded while silenced.
    await data('metrics').update({ x: 1 })
    const resolved = await evaluate('revenue')
    expect(resolved).toMatchObject({ status: 'ok', data: { silenced: { by: 'dashboard' } } })
    expect((await row('revenue')).state).toBe('OK')
    await data('metrics').update({ x: 5 })
  })

  it('Silence takes a reason after the duration, and "until resolved"', async () => {
    expect(
      await alertsPanel.actions!.silence.run(ctx, await row('broken'), { input: ' 30m  backfill running ' }),
    ).toMatch(/\(30m\) by dashboard: backfill running$/)
    expect(await row('broken')).toMatchObject({ 'silenced by': 'dashboard', reason: 'backfill running' })
    expect(await alertsPanel.actions!.silence.run(ctx, await row('fresh'), { input: 'until resolved' })).toBe(
      `Silenced fresh until it resolves by dashboard: ${DASHBOARD_REASON}`,
    )
    expect(await row('fresh')).toMatchObject({ 'silenced until': 'until resolved' })
  })

  it('refuses an input that is not a duration, naming it, and stores nothing', async () => {
    await alertsPanel.actions!.unsilence.run(ctx, await row('fresh'), {})
    for (const input of ['soon', '0s', '', '-2h']) {
      await expect(
        Promise.resolve(alertsPanel.actions!.silence.run(ctx, await row('fresh'), { input })),
      ).rejects.toThrow(/is not a duration: write e\.g\. 30m, 2h or 1d/)
    }
    expect((await row('fresh'))['silenced until']).toBeNull()
    expect(() => readSilenceInput('tomorrow please')).toThrow('"tomorrow" is not a duration')
    expect(readSilenceInput('until-resolved deploy')).toEqual({ ms: null, reason: 'deploy' })
  })

  it('Unsilence ends the silence, and the row loses its Unsilence button', async () => {
    expect(await alertsPanel.actions!.unsilence.run(ctx, await row('revenue'), {})).toBe('Unsilenced revenue')
    const revenue = await row('revenue')
    expect(revenue).toMatchObject({ 'silenced until': null, 'silenced by': null, reason: null })
    expect(alertsPanel.actions!.unsilence.available!(revenue)).toBe(false)
    expect(await new AlertStore(namespaced(store, PLUGIN_NAMESPACE)).silence('revenue')).toBeUndefined()
  })

  it('refuses a job that is no longer a sql-alert in the config', async () => {
    await expect(
      Promise.resolve(alertsPanel.actions!.silence.run(ctx, { job: 'hello' }, { input: '1h' })),
    ).rejects.toThrow(/job "hello" is a command job, not a sql-alert/)
  })
})
