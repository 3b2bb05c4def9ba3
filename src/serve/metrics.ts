import type { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { lazyRequire } from '../lazy-require.js'
import type { RunOutcome } from '../run/outcome.js'
import type { Store } from '../state/store.js'

type PromClient = typeof import('prom-client')

const CIRCUIT_VALUE = { closed: 0, half_open: 1, open: 2 } as const

/** The Prometheus metrics of one serve process (prom-client), fed by every run outcome. */
export class ServeMetrics {
  readonly registry: Registry
  private readonly runs: Counter<'job' | 'type' | 'status'>
  private readonly duration: Histogram<'job' | 'type'>
  private readonly lateness: Histogram<'job' | 'type'>
  private readonly lastSuccess: Gauge<'job'>
  private readonly noticeDeliveries: Counter<'status'>

  constructor(store: Store, version: string, jobTypes: () => Map<string, string>) {
    const prom = lazyRequire('prom-client') as PromClient
    this.registry = new prom.Registry()
    prom.collectDefaultMetrics({ register: this.registry })
    // prom-client names three gauges "*_total", which Prometheus reserves for counters (promtool rejects
    // them); the same figures remain, by type, in nodejs_active_handles, _requests and _resources.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      this.registry.removeSingleMetric(name)
    const registers = [this.registry]
    this.runs = new prom.Counter({
      name: 'circadian_job_runs_total',
      help: 'Runs that ended, by job, type and status.',
      labelNames: ['job', 'type', 'status'],
      registers,
    })
    this.duration = new prom.Histogram({
      name: 'circadian_job_duration_seconds',
      help: 'How long runs took, from start to end.',
      labelNames: ['job', 'type'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    })
    this.lateness = new prom.Histogram({
      name: 'circadian_job_lateness_seconds',
      help: 'How long after its scheduled time a run started.',
      labelNames: ['job', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60, 300],
      registers,
    })
    this.lastSuccess = new prom.Gauge({
      name: 'circadian_job_last_success_timestamp_seconds',
      help: 'When the job last succeeded (Unix time).',
      labelNames: ['job'],
      registers,
    })
    new prom.Gauge({
      name: 'circadian_circuit_state',
      help: 'Circuit breaker state by resource: 0 closed, 1 half-open, 2 open.',
      labelNames: ['resource'],
      registers,
      async collect() {
        this.reset()
        for (const b of await store.breakers.all()) this.set({ resource: b.name }, CIRCUIT_VALUE[b.state])
      },
    })
    new prom.Gauge({
      name: 'circadian_dead_letters',
      help: 'Dead letters not resolved yet.',
      registers,
      async collect() {
        this.set(await store.deadLetters.unresolvedCount())
      },
    })
    this.noticeDeliveries = new prom.Counter({
      name: 'circadian_notice_deliveries_total',
      help: 'Notices this process delivered (sent), failed to deliver (retried), expired or deferred (rate_limited), by status.',
      labelNames: ['status'],
      registers,
    })
    for (const status of ['sent', 'failed', 'expired', 'rate_limited']) this.noticeDeliveries.inc({ status }, 0)
    new prom.Gauge({
      name: 'circadian_notices_pending',
      help: 'Notices in the outbox not delivered yet (every instance).',
      registers,
      async collect() {
        this.set((await store.outbox.backlog()).pending)
      },
    })
    new prom.Gauge({
      name: 'circadian_build_info',
      help: 'The running circadian.',
      labelNames: ['version', 'node'],
      registers,
    }).set({ version, node: process.version }, 1)
    // Jobs that have not run yet still show, at zero.
    for (const [job, type] of jobTypes())
      for (const status of ['succeeded', 'failed']) this.runs.inc({ job, type, status }, 0)
  }

  observe(outcome: RunOutcome): void {
    const labels = { job: outcome.job, type: outcome.type }
    this.runs.inc({ ...labels, status: outcome.status })
    if (outcome.startedAt) {
      this.duration.observe(labels, (Date.parse(outcome.finishedAt) - Date.parse(outcome.startedAt)) / 1000)
      if (outcome.scheduledFor)
        this.lateness.observe(
          labels,
          Math.max(0, (Date.parse(outcome.startedAt) - Date.parse(outcome.scheduledFor)) / 1000),
        )
    }
    if (outcome.status === 'succeeded')
      this.lastSuccess.set({ job: outcome.job }, Date.parse(outcome.finishedAt) / 1000)
  }

  noticeDelivery(status: string, count = 1): void {
    this.noticeDeliveries.inc({ status }, count)
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() }
  }
}
