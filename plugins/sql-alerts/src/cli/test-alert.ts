import { ConnectionManager, type ValidatedConfig } from 'circadian'
import { evaluateQuery } from '../evaluate/evaluate-query.js'
import type { Evaluation } from '../state/advance.js'
import type { AlertJob } from './alert-jobs.js'

export interface TestReport {
  job: string
  status: Evaluation['kind']
  actual_value?: unknown
  threshold?: unknown
  context?: Record<string, unknown>
  error?: { kind: string; message: string }
  durationMs: number
}

/** Runs one alert's query as its job would, and only reports: no state is changed and no notice is sent. */
export async function testAlert(config: ValidatedConfig, job: AlertJob): Promise<TestReport> {
  const connections = new ConnectionManager(config.connections, config.dir)
  await connections.prepare()
  const started = Date.now()
  try {
    const evaluation = await evaluateQuery(connections.get(job.options.connection), job.options)
    const durationMs = Date.now() - started
    if (evaluation.kind === 'ERROR') return { job: job.name, status: 'ERROR', error: evaluation.error, durationMs }
    const { actual_value, threshold, context } = evaluation.outcome
    return { job: job.name, status: evaluation.kind, actual_value, threshold, context, durationMs }
  } finally {
    await connections.closeAll()
  }
}
