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
 * Tells the job's notifiers when the store becomes degraded (or degraded differently: another stage late,
 * or unreachable) and when it recovers; not again on every run while it stays the same.
 */
export async function noticeOnChange(env: StageEnv, finding: HealthFinding): Promise<'degraded' | 'recovered' | null> {
  const key = `health:${env.occ.job}`
  const before = (await env.kv.get<HealthState>(key)) ?? { degraded: false, issues: [] }
  let notice: 'degraded' | 'recovered' | null = null
  if (finding.degraded && (!before.degraded || !sameIssues(before.issues, finding.issues))) notice = 'degraded'
  else if (!finding.degraded && before.degraded) notice = 'recovered'
  if (notice) await env.kv.set(key, { degraded: finding.degraded, issues: finding.issues } satisfies HealthState)
  if (!notice || !env.notifiers.length) return null
  await env.notify(
    env.notifiers,
    notice === 'degraded'
      ? { title: `memory store degraded (${env.occ.job})`, text: finding.problems.join('\n'), severity: finding.severity, fields: finding.fields }
      : { title: `memory store recovered (${env.occ.job})`, text: 'The store answers and every watched stage is on time again.', severity: 'info', fields: finding.fields },
  )
  return notice
}
