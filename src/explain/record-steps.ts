import type { JobDefinition } from '../config/model.js'
import { decideCatchUp, occurrencesBetween } from '../schedule/catch-up.js'
import { formatDuration } from '../schedule/duration.js'
import { jitterDelay } from '../schedule/jitter.js'
import { formatInZone } from '../schedule/zone.js'
import type { InstanceRow } from '../state/control.js'
import type { RunRow } from '../state/runs.js'
import type { Store } from '../state/store.js'
import { coverageAt } from './instances.js'
import { DOCS, type Step, iso, step } from './step.js'

export interface RecordContext {
  store: Store
  jobName: string
  /** The job as configured now (undefined when it is no longer in the config). */
  job: JobDefinition | undefined
  now: number
}

const MAX_TEXT = 500
/** Times in text follow the CLI's rule: the job's zone with its offset (data keeps ISO UTC). */
const shownIn = (zone: string) => (at: number | string) =>
  formatInZone(zone, typeof at === 'string' ? Date.parse(at) : at)
const zoneOf = (ctx: RecordContext) => ctx.job?.timezone ?? 'UTC'
const firstLine = (text: string | null) => (text ?? '').split('\n')[0].slice(0, 200)

async function instances(store: Store): Promise<InstanceRow[]> {
  return store.knex('instances').select('*').orderBy('started_at').limit(10_000)
}

function verdictOf(status: string): Step['verdict'] {
  if (status === 'succeeded') return 'pass'
  if (status === 'alert') return 'warn'
  if (status === 'running' || status === 'queued') return 'info'
  return 'fail'
}

/** What the store recorded for one occurrence of a job: its rows, and for each, the evidence behind it. */
export async function explainOccurrenceRecords(ctx: RecordContext, occurrence: number): Promise<Step[]> {
  const rows: RunRow[] = await ctx.store
    .knex('runs')
    .where({ job: ctx.jobName, scheduled_for: iso(occurrence) })
    .orderBy('created_at')
    .limit(50)
  if (!rows.length) return nothingRecorded(ctx, occurrence)
  const steps: Step[] = []
  for (const row of rows) steps.push(...(await explainRow(ctx, row)))
  return steps
}

/** One run row: its status with who ran it, and the evidence for why it ended so. */
export async function explainRow(ctx: RecordContext, row: RunRow): Promise<Step[]> {
  const attempts = await ctx.store.runs.attempts(row.id)
  const occurrence = row.scheduled_for ? Date.parse(row.scheduled_for) : null
  const dueAt =
    occurrence === null ? null : occurrence + (ctx.job ? jitterDelay(ctx.jobName, occurrence, ctx.job.core.jitter) : 0)
  const lateBy = dueAt !== null && row.started_at ? Date.parse(row.started_at) - dueAt : null
  const status = row.reason ? `${row.status} (${row.reason})` : row.status
  const text = firstLine(row.error ?? row.summary)
  const steps: Step[] = [
    step(
      'run',
      verdictOf(row.status),
      `run ${row.id}: ${status}, trigger ${row.trigger}, instance ${row.instance ?? 'unknown'}, ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}${row.started_at ? `, started ${row.started_at}` : ''}${text ? ` — ${text}` : ''}`,
      {
        id: row.id,
        status: row.status,
        reason: row.reason,
        trigger: row.trigger,
        instance: row.instance,
        attempts: row.attempts,
        scheduledFor: row.scheduled_for,
        createdAt: row.created_at,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        summary: row.summary?.slice(0, MAX_TEXT) ?? null,
        error: row.error?.slice(0, MAX_TEXT) ?? null,
        attemptRows: attempts.slice(0, 20).map((a) => ({
          attempt: a.attempt,
          status: a.status,
          startedAt: a.started_at,
          finishedAt: a.finished_at,
          error: a.error?.slice(0, MAX_TEXT) ?? null,
        })),
      },
    ),
  ]
  const grace = ctx.job?.core.misfireGrace
  if (lateBy !== null && grace !== undefined && lateBy > grace) {
    steps.push(
      step(
        'late',
        'warn',
        `started ${formatDuration(lateBy)} after it was due (${shownIn(zoneOf(ctx))(dueAt!)}), beyond misfireGrace ${formatDuration(grace)}${row.trigger === 'catchup' ? `: run as a catch-up (catchUp '${ctx.job!.core.catchUp}')` : ''} (${DOCS.catchUp})`,
        { lateByMs: lateBy, misfireGraceMs: grace, dueAt: iso(dueAt!) },
      ),
    )
  }
  if (row.reason === 'paused') steps.push(await pauseStep(ctx, Date.parse(row.created_at)))
  else if (row.reason === 'circuit-open') steps.push(await circuitStep(ctx, row))
  else if (row.reason === 'upstream-failed') steps.push(await upstreamStep(ctx, row))
  else if (row.reason === 'overlap') steps.push(await overlapStep(ctx, row))
  else if (row.status === 'missed') steps.push(...(await missedSteps(ctx, row)))
  else if (row.reason === 'process-lost')
    steps.push(
      step(
        'recovery',
        'info',
        `the process running it stopped before it finished; instance ${row.instance ?? 'unknown'} found it by its expired lease and recorded it interrupted`,
        {},
      ),
    )
  return steps
}

/** Paused at `at`: the pause history in `actions` (CLI, API and onFailure pauses), else the job's current pause. */
async function pauseStep(ctx: RecordContext, at: number): Promise<Step> {
  const last = await ctx.store
    .knex('actions')
    .where({ job: ctx.jobName })
    .whereIn('action', ['pause', 'resume'])
    .andWhere('created_at', '<=', iso(at))
    .orderBy('created_at', 'desc')
    .first()
  if (last?.action === 'pause') {
    return step(
      'paused',
      'fail',
      `the job was paused at the time (since ${shownIn(zoneOf(ctx))(last.created_at)}, ${firstLine(last.detail)})`,
      { since: last.created_at, detail: last.detail, runId: last.run_id },
    )
  }
  const state = await ctx.store.jobState.get(ctx.jobName)
  if (state?.paused && state.paused_at && Date.parse(state.paused_at) <= at) {
    return step(
      'paused',
      'fail',
      `the job was paused at the time (since ${state.paused_at}${state.pause_reason ? `, reason: ${firstLine(state.pause_reason)}` : ''}); it still is`,
      { since: state.paused_at, reason: state.pause_reason },
    )
  }
  return step(
    'paused',
    'fail',
    'the job was paused at the time (the run row records it; no pause history is kept for that time)',
    {},
  )
}

async function circuitStep(ctx: RecordContext, row: RunRow): Promise<Step> {
  const name = /circuit (.+?) is open/.exec(row.summary ?? '')?.[1] ?? null
  const now = name ? await ctx.store.breakers.get(name) : undefined
  return step(
    'circuit',
    'fail',
    `circuit ${name ?? '(unknown)'} was open: ${firstLine(row.summary)}${now ? `; now ${now.state}` : ''} (docs/reliability.md)`,
    { circuit: name, stateNow: now?.state ?? null, openedAt: now?.opened_at ?? null },
  )
}

async function upstreamStep(ctx: RecordContext, row: RunRow): Promise<Step> {
  const upstream = /upstream job "([^"]+)"/.exec(row.summary ?? '')?.[1] ?? null
  const up: RunRow | undefined = upstream
    ? await ctx.store
        .knex('runs')
        .where({ job: upstream })
        .andWhere('scheduled_for', row.scheduled_for)
        .whereNotIn('status', ['running', 'queued'])
        .orderBy('created_at', 'desc')
        .first()
    : undefined
  const what = up
    ? `run ${up.id} ${up.reason ? `${up.status} (${up.reason})` : up.status}${up.error || up.summary ? `: ${firstLine(up.error ?? up.summary)}` : ''}`
    : firstLine(row.summary)
  return step('upstream', 'fail', `upstream ${upstream ?? '(unknown)'} failed: ${what} (${DOCS.dependencies})`, {
    upstream,
    runId: up?.id ?? null,
    status: up?.status ?? null,
  })
}

async function overlapStep(ctx: RecordContext, row: RunRow): Promise<Step> {
  const at = row.created_at
  const running: RunRow | undefined = await ctx.store
    .knex('runs')
    .where({ job: ctx.jobName })
    .whereNot({ id: row.id })
    .whereNotNull('started_at')
    .andWhere('started_at', '<=', at)
    .andWhere((q) => q.whereNull('finished_at').orWhere('finished_at', '>=', at))
    .orderBy('started_at', 'desc')
    .first()
  const policy = ctx.job?.core.overlap ?? 'skip'
  const detail = running
    ? `overlap: run ${running.id} was still running (started ${running.started_at} on ${running.instance ?? 'unknown'}${running.finished_at ? `, finished ${running.finished_at}` : ''}); overlap is '${policy}'`
    : `overlap: ${firstLine(row.summary)}; overlap is '${policy}'`
  return step('overlap', 'fail', `${detail} (${DOCS.overlap})`, {
    runningRun: running?.id ?? null,
    instance: running?.instance ?? null,
    overlap: policy,
  })
}

/** A missed row: the downtime around it, and the catch-up decision replayed with `decideCatchUp` itself. */
async function missedSteps(ctx: RecordContext, row: RunRow): Promise<Step[]> {
  const steps: Step[] = []
  const occurrence = Date.parse(row.scheduled_for!)
  const recordedAt = Date.parse(row.created_at)
  steps.push(downtimeStep(await instances(ctx.store), occurrence, false, zoneOf(ctx)))
  const job = ctx.job
  if (!job?.trigger) return steps
  const rules = { catchUp: job.core.catchUp, maxCatchUp: job.core.maxCatchUp, misfireGrace: job.core.misfireGrace }
  // Only this occurrence and later ones decide its fate (catchUp runs the newest late ones), so the replay
  // starts at it and ends when the row was recorded.
  const { occurrences } = occurrencesBetween((t) => job.trigger!.next(t), occurrence - 1, recordedAt, 10_000)
  const dueAt = (o: number) => o + jitterDelay(job.name, o, job.core.jitter)
  const decision = decideCatchUp(occurrences, recordedAt, rules, dueAt)
  const ran = [...decision.catchUp, ...decision.onTime].filter((o) => o !== occurrence)
  const agrees = decision.missed.includes(occurrence)
  const late = recordedAt - dueAt(occurrence)
  steps.push(
    step(
      'catch-up',
      agrees ? 'fail' : 'warn',
      `decided at ${shownIn(zoneOf(ctx))(row.created_at)}, ${formatDuration(Math.max(0, late))} after it was due: late (misfireGrace ${formatDuration(rules.misfireGrace)}); catchUp '${rules.catchUp}'${rules.catchUp === 'all' ? `, maxCatchUp ${rules.maxCatchUp}` : ''}${
        ran.length
          ? `; ran instead: ${ran
              .slice(-5)
              .map(shownIn(zoneOf(ctx)))
              .join(', ')}`
          : '; none of the late occurrences ran'
      }${agrees ? '' : '; replaying the rules with the current config does not give missed (the config changed since?)'} (${DOCS.catchUp})`,
      { ...rules, recordedAt: row.created_at, lateByMs: late, ranInstead: ran.map(iso), replayAgrees: agrees },
    ),
  )
  return steps
}

function downtimeStep(rows: InstanceRow[], instant: number, nothingRecorded: boolean, zone: string): Step {
  const shown = shownIn(zone)
  if (!rows.length)
    return step(
      'instances',
      'info',
      'no serve instance has registered with this store (occurrences are handled by `run --due` when it runs, or not at all)',
      { instances: 0 },
    )
  const cov = coverageAt(rows, instant)
  if (cov.up.length)
    return step(
      'instances',
      nothingRecorded ? 'warn' : 'info',
      `serve instance${cov.up.length > 1 ? 's' : ''} ${cov.up.join(', ')} ${cov.up.length > 1 ? 'were' : 'was'} up at ${shown(instant)}${nothingRecorded ? '' : ' (so it was a late wake-up: a clock jump, a suspend or an overloaded machine)'}`,
      { up: cov.up },
    )
  const from = cov.lastBefore
    ? `${shown(cov.lastBefore.at)} (last heartbeat of ${cov.lastBefore.id})`
    : 'before any instance'
  const to = cov.nextStart ? `${shown(cov.nextStart.at)} (${cov.nextStart.id} started)` : 'now (none since)'
  return step(
    'instances',
    'fail',
    `no serve instance was running at ${shown(instant)}: downtime from ${from} to ${to}`,
    {
      up: [],
      downtimeFrom: cov.lastBefore?.at ?? null,
      downtimeTo: cov.nextStart?.at ?? null,
      lastInstance: cov.lastBefore?.id ?? null,
      nextInstance: cov.nextStart?.id ?? null,
    },
  )
}

async function nothingRecorded(ctx: RecordContext, occurrence: number): Promise<Step[]> {
  if (occurrence > ctx.now)
    return [
      step('record', 'info', `not due yet: nothing can be recorded before ${shownIn(zoneOf(ctx))(occurrence)}`, {
        due: iso(occurrence),
      }),
    ]
  const steps: Step[] = [downtimeStep(await instances(ctx.store), occurrence, true, zoneOf(ctx))]
  const state = await ctx.store.jobState.get(ctx.jobName)
  const watermark = state?.watermark ? Date.parse(state.watermark) : null
  const job = ctx.job
  if (job && !job.core.enabled)
    steps.push(
      step(
        'enabled',
        'fail',
        `${ctx.jobName} is disabled (enabled: false): its occurrences are not run or recorded`,
        {},
      ),
    )
  if (watermark === null) {
    steps.push(
      step(
        'record',
        'fail',
        'nothing recorded: neither serve nor `run --due` has handled this job yet (a job seen for the first time starts from then, without running the past)',
        { watermark: null },
      ),
    )
  } else if (watermark < occurrence) {
    let decision = ''
    if (job?.trigger) {
      const { occurrences } = occurrencesBetween((t) => job.trigger!.next(t), occurrence - 1, ctx.now, 10_000)
      const d = decideCatchUp(
        occurrences,
        ctx.now,
        { catchUp: job.core.catchUp, maxCatchUp: job.core.maxCatchUp, misfireGrace: job.core.misfireGrace },
        (o) => o + jitterDelay(job.name, o, job.core.jitter),
      )
      decision = `; if handled now, catchUp '${job.core.catchUp}' would ${d.missed.includes(occurrence) ? 'record it missed' : d.catchUp.includes(occurrence) ? 'run it as a catch-up' : 'run it on time'}`
    }
    steps.push(
      step(
        'record',
        'fail',
        `nothing recorded: not handled yet (the job's watermark is ${state!.watermark}); the next serve start or \`run --due\` applies the catch-up rules to it${decision} (${DOCS.catchUp})`,
        { watermark: state!.watermark },
      ),
    )
  } else {
    steps.push(
      step(
        'record',
        'fail',
        `nothing recorded, and the job's watermark (${state!.watermark}) is past it: the job was new, changed or disabled at the time (serve schedules such a job from when it changes, without running the past)`,
        { watermark: state!.watermark },
      ),
    )
  }
  return steps
}
