import type { Knex } from 'knex'

const DAY = 86_400_000

/** `count` runs of `job`, one an hour going back from `newest`, each with one attempt; statuses cycle through `statuses`. */
export async function seedRuns(
  knex: Knex,
  job: string,
  count: number,
  newest: number,
  statuses: string[] = ['succeeded'],
): Promise<Array<{ id: string; status: string; created_at: string }>> {
  const rows = []
  for (let i = 0; i < count; i++) {
    const at = new Date(newest - i * 3_600_000).toISOString()
    const id = `${job}-${String(i).padStart(6, '0')}`.slice(0, 32)
    rows.push({
      id,
      job,
      type: 'command',
      trigger: 'schedule',
      scheduled_for: at,
      created_at: at,
      started_at: at,
      finished_at: at,
      status: statuses[i % statuses.length],
      reason: null,
      attempts: 1,
      summary: null,
      error: null,
      output: null,
      data: null,
      instance: 't',
      claim: null,
      lease_until: null,
    })
  }
  for (let i = 0; i < rows.length; i += 100) await knex('runs').insert(rows.slice(i, i + 100))
  const attempts = rows.map((r) => ({
    run_id: r.id,
    attempt: 1,
    started_at: r.created_at,
    finished_at: r.created_at,
    status: r.status,
    error: null,
  }))
  for (let i = 0; i < attempts.length; i += 100) await knex('run_attempts').insert(attempts.slice(i, i + 100))
  await knex('job_state')
    .insert({ job, paused: false, consecutive_failures: 0, updated_at: new Date(newest).toISOString() })
    .onConflict('job')
    .ignore()
  return rows
}

export const daysAgo = (n: number, now = Date.now()) => now - n * DAY
