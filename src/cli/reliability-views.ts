import type { ValidatedConfig } from '../config/model.js'
import type { DeadLetterRow } from '../state/reliability-repos.js'
import { openStore } from '../state/store.js'

export interface BreakerView {
  name: string
  state: 'closed' | 'open' | 'half_open'
  failures: number
  threshold: number
  openedAt: string | null
  halfOpenAt: string | null
  configured: boolean
}

/** Every breaker: those configured (closed until something happens) and any left in the store. */
export async function listBreakers(config: ValidatedConfig): Promise<BreakerView[]> {
  const store = await openStore(config.state)
  try {
    const rows = new Map((await store.breakers.all()).map((b) => [b.name, b]))
    const names = [
      ...new Set([...Object.keys(config.resources).filter((r) => config.resources[r].breaker), ...rows.keys()]),
    ].sort()
    return names.map((name) => {
      const b = rows.get(name)
      const policy = config.resources[name]?.breaker
      const opened = b?.opened_at ? Date.parse(b.opened_at) : null
      return {
        name,
        state: b?.state ?? 'closed',
        failures: b?.failures ?? 0,
        threshold: policy?.failures ?? 0,
        openedAt: b?.opened_at ?? null,
        halfOpenAt:
          b?.state === 'open' && opened !== null && policy
            ? new Date(opened + policy.halfOpenAfter).toISOString()
            : null,
        configured: !!policy,
      }
    })
  } finally {
    await store.close()
  }
}

export function letterView(l: DeadLetterRow) {
  return {
    id: l.id,
    job: l.job,
    type: l.type,
    runId: l.run_id,
    error: l.error,
    attempts: l.attempts,
    scheduledFor: l.scheduled_for,
    failedAt: l.failed_at,
    replays: l.replays,
    resolvedAt: l.resolved_at,
    resolvedByRun: l.resolved_by_run,
    options: JSON.parse(l.options) as unknown,
  }
}
