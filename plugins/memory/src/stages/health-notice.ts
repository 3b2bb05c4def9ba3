import type { StageEnv } from './env.js'

/** What the last health run of a job found, kept in the plugin's key-value store. */
interface HealthState {
  degraded: boolean
  /** 'unreachable', or the late stages. */
  issues: string[]
}

export interface HealthFinding {
  degraded: boolean
  issues: string[]
  /** One line per problem, for the notice's text. */
  problems: string[]
  severity: 'warning' | 'critical'
  fields: Record<string, string | number | boolean | null>
}

const sameIssues = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x))

/**
 * The core announces when the store becomes degraded (the health run's `alert` starts a streak: one notice)
 * and when it recovers (the first `ok` after it), through the job's `notify` and `notifyOn`. What the core
 * cannot see is a store that stays degraded but differently — another stage late, or now unreachable: the
 * plugin tells the job's notifiers that, once per change. The last finding is kept per job.
 */
export async function noticeOnChange(env: StageEnv, finding: HealthFinding): Promise<'changed' | null> {
  const key = `health:${env.occ.job}`
  const before = (await env.kv.get<HealthState>(key)) ?? { degraded: false, issues: [] }
  if (before.degraded === finding.degraded && sameIssues(before.issues, finding.issues)) return null
  await env.kv.set(key, { degraded: finding.degraded, issues: finding.issues } satisfies HealthState)
  if (!before.degraded || !finding.degraded || !env.notifiers.length) return null
  await env.notify(env.notifiers, {
    title: `memory store still degraded, differently (${env.occ.job})`,
    text: finding.problems.join('\n'),
    severity: finding.severity,
    fields: finding.fields,
  })
  return 'changed'
}
