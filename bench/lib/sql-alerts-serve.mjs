// The serve variant of bench/sql-alerts: `circadian serve` with N sql-alert jobs that all fire at one
// instant. Waits until every occurrence is recorded finished in the state store, then stops serve.
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import knex from 'knex'
import { watchTreeRss } from './sql-alerts-tree-rss.mjs'

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** A UTC instant `aheadMs` from now, whole seconds, and the 6-field cron that fires at it. */
export function fireAt(aheadMs) {
  const at = new Date(Math.ceil((Date.now() + aheadMs) / 1000) * 1000)
  const cron = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`
  return { at, cron }
}

/**
 * Starts serve in `dir` (config reads BENCH_ALERTS and BENCH_CRON), waits for `alerts` finished runs of the
 * occurrence at `at`, stops serve. Returns the first start and last finish (ms), the tree's RSS when loaded
 * and idle just before the fire, and its peak while running.
 */
export async function serveOnce({ bin, dir, alerts, at, cron, store, logFile, stallMs = 90_000 }) {
  const log = openSync(logFile, 'w')
  const child = spawn(process.execPath, [bin, 'serve', '--no-notify', '--log-level', 'error'], {
    cwd: dir,
    env: { ...process.env, BENCH_ALERTS: String(alerts), BENCH_CRON: cron },
    stdio: ['ignore', log, log],
  })
  closeSync(log)
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  let idleKb = 0
  const peak = watchTreeRss(child.pid)
  const db = knex({ ...store, pool: { min: 0, max: 1 } })
  const scheduledFor = at.toISOString()
  try {
    const idleAt = at.getTime() - 1000
    while (Date.now() < idleAt) await sleep(Math.min(200, idleAt - Date.now()))
    idleKb = watchTreeRss(child.pid).stop()
    const statuses = async () =>
      Object.fromEntries(
        (
          await db('runs').where({ scheduled_for: scheduledFor }).select('status').count({ n: '*' }).groupBy('status')
        ).map((s) => [s.status, Number(s.n)]),
      )
    let seen = -1
    let progressAt = Date.now()
    for (;;) {
      const row = await db('runs')
        .where({ scheduled_for: scheduledFor })
        .whereNotNull('finished_at')
        .count({ n: '*' })
        .min({ first: 'started_at' })
        .max({ last: 'finished_at' })
        .first()
        .catch(() => null)
      const n = Number(row?.n ?? 0)
      if (n >= alerts)
        return {
          first: Date.parse(row.first),
          last: Date.parse(row.last),
          idleKb,
          peakKb: peak.stop(),
          counts: await statuses(),
        }
      if (n !== seen) {
        seen = n
        progressAt = Date.now()
      }
      // Nothing finished for stallMs (after the fire): report where the runs are, instead of waiting forever.
      if (Date.now() > Math.max(progressAt, at.getTime()) + stallMs)
        throw new Error(
          `serve stalled: ${n} of ${alerts} runs finished, none for ${stallMs / 1000}s; runs by status ${JSON.stringify(await statuses())} (log: ${logFile})`,
        )
      if (child.exitCode !== null) throw new Error(`serve exited early (log: ${logFile})`)
      await sleep(250)
    }
  } finally {
    peak.stop()
    await db.destroy()
    child.kill('SIGTERM')
    await exited
  }
}
