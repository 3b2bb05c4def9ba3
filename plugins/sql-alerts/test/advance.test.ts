import { describe, expect, it } from 'vitest'
import { type AdvanceInput, type Evaluation, advance } from '../src/state/advance.js'
import type { AlertState, NoticeKind } from '../src/state/alert-state.js'

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0)
const MIN = 60_000
const HOUR = 60 * MIN

const alert = (actual = 5): Evaluation => ({
  kind: 'ALERT',
  outcome: { status: 'ALERT', actual_value: actual, threshold: 3, context: {} },
})
const ok = (actual = 1): Evaluation => ({
  kind: 'OK',
  outcome: { status: 'OK', actual_value: actual, threshold: 3, context: {} },
})
const error = (message = 'query failed: boom'): Evaluation => ({ kind: 'ERROR', error: { kind: 'sql-error', message } })

/** Feeds evaluations to the state machine at given times, as the job would, and records each step. */
function machine(policy: Partial<Pick<AdvanceInput, 'for' | 'repeatMs'>> = {}) {
  let state: AlertState | undefined
  const steps: Array<{ state: string; notice: NoticeKind | null; resolves: boolean }> = []
  return {
    feed(evaluation: Evaluation, at: number, silenced = false) {
      const t = advance(state, evaluation, {
        now: at,
        runId: `run-${steps.length}`,
        for: policy.for ?? 1,
        repeatMs: policy.repeatMs ?? null,
        silenced,
        notify: ['ops'],
      })
      state = t.next
      steps.push({ state: t.next.state, notice: t.notice, resolves: t.resolves })
      return t
    },
    get state() {
      return state!
    },
    notices: () => steps.map((s) => s.notice),
    states: () => steps.map((s) => s.state),
  }
}

describe('alert state machine', () => {
  it('fires on the first ALERT with for = 1 and notifies once, never once per run', () => {
    const m = machine()
    m.feed(ok(), T0)
    m.feed(alert(), T0 + MIN)
    m.feed(alert(), T0 + 2 * MIN)
    m.feed(alert(), T0 + 3 * MIN)
    expect(m.states()).toEqual(['OK', 'ALERT', 'ALERT', 'ALERT'])
    expect(m.notices()).toEqual([null, 'firing', null, null])
    expect(m.state.since).toBe(new Date(T0 + MIN).toISOString())
    expect(m.state.consecutive).toEqual({ alert: 3, ok: 0, error: 0 })
  })

  it('waits for `for` consecutive ALERT results before firing (PENDING before)', () => {
    const m = machine({ for: 3 })
    m.feed(alert(), T0)
    m.feed(alert(), T0 + MIN)
    expect(m.state.state).toBe('PENDING')
    m.feed(alert(), T0 + 2 * MIN)
    expect(m.states()).toEqual(['PENDING', 'PENDING', 'ALERT'])
    expect(m.notices()).toEqual([null, null, 'firing'])
    expect(m.state.since).toBe(new Date(T0 + 2 * MIN).toISOString())
  })

  it('starts counting again when an OK or an ERROR breaks the ALERT streak', () => {
    const m = machine({ for: 2 })
    m.feed(alert(), T0)
    m.feed(ok(), T0 + MIN)
    m.feed(alert(), T0 + 2 * MIN)
    m.feed(error(), T0 + 3 * MIN)
    m.feed(alert(), T0 + 4 * MIN)
    m.feed(alert(), T0 + 5 * MIN)
    expect(m.states()).toEqual(['PENDING', 'OK', 'PENDING', 'ERROR', 'PENDING', 'ALERT'])
    expect(m.notices()).toEqual([null, null, null, 'error', null, 'firing'])
  })

  it('repeats every repeatInterval while still firing, counted from the last alert notice', () => {
    const m = machine({ repeatMs: 4 * HOUR })
    m.feed(alert(), T0) // firing
    m.feed(alert(), T0 + 2 * HOUR)
    m.feed(alert(), T0 + 4 * HOUR - 1)
    m.feed(alert(), T0 + 4 * HOUR) // repeat
    m.feed(alert(), T0 + 6 * HOUR)
    m.feed(alert(), T0 + 8 * HOUR + 30 * MIN) // repeat (4h after the last)
    m.feed(alert(), T0 + 12 * HOUR) // 3h30m after: no
    expect(m.notices()).toEqual(['firing', null, null, 'repeat', null, 'repeat', null])
    expect(m.state.lastAlertNoticeAt).toBe(new Date(T0 + 8 * HOUR + 30 * MIN).toISOString())
  })

  it('never repeats without a repeatInterval', () => {
    const m = machine()
    for (let i = 0; i < 5; i++) m.feed(alert(), T0 + i * 24 * HOUR)
    expect(m.notices()).toEqual(['firing', null, null, null, null])
  })

  it('sends a resolved notice on ALERT → OK, and none on PENDING → OK', () => {
    const m = machine({ for: 2 })
    m.feed(alert(), T0)
    m.feed(ok(), T0 + MIN)
    m.feed(alert(), T0 + 2 * MIN)
    m.feed(alert(), T0 + 3 * MIN)
    m.feed(ok(), T0 + 4 * MIN)
    m.feed(ok(), T0 + 5 * MIN)
    expect(m.notices()).toEqual([null, null, null, 'firing', 'resolved', null])
    expect(m.state.firing).toBeNull()
  })

  it('sends one error notice per ERROR streak, and a new one for the next streak', () => {
    const m = machine()
    m.feed(error('query failed: one'), T0)
    m.feed(error('query failed: two'), T0 + MIN)
    m.feed(error('query failed: three'), T0 + 2 * MIN)
    m.feed(ok(), T0 + 3 * MIN)
    m.feed(error(), T0 + 4 * MIN)
    expect(m.notices()).toEqual(['error', null, null, null, 'error'])
    expect(m.states()).toEqual(['ERROR', 'ERROR', 'ERROR', 'OK', 'ERROR'])
    expect(m.state.consecutive.error).toBe(1)
  })

  it('keeps a firing alert open through an ERROR: no second firing notice, and it still resolves', () => {
    const m = machine({ repeatMs: HOUR })
    m.feed(alert(), T0)
    m.feed(error(), T0 + 10 * MIN)
    m.feed(alert(), T0 + 20 * MIN)
    expect(m.state.since).toBe(new Date(T0).toISOString())
    m.feed(alert(), T0 + HOUR) // repeat timer kept running
    m.feed(error(), T0 + 70 * MIN)
    m.feed(ok(), T0 + 80 * MIN)
    expect(m.notices()).toEqual(['firing', 'error', null, 'repeat', 'error', 'resolved'])
  })

  it('keeps the last good values through an ERROR, and the error itself', () => {
    const m = machine()
    m.feed(alert(42), T0)
    m.feed(error('query failed: gone'), T0 + MIN)
    expect(m.state.lastValues).toMatchObject({ status: 'ALERT', actual_value: 42 })
    expect(m.state.lastError).toEqual({
      kind: 'sql-error',
      message: 'query failed: gone',
      at: new Date(T0 + MIN).toISOString(),
    })
  })

  it('holds back notices while silenced; evaluation and state go on', () => {
    const m = machine({ repeatMs: HOUR })
    m.feed(alert(), T0, true)
    m.feed(alert(), T0 + 2 * HOUR, true)
    expect(m.states()).toEqual(['ALERT', 'ALERT'])
    expect(m.notices()).toEqual([null, null])
    expect(m.state.firing).toEqual({ since: new Date(T0).toISOString(), notified: false })
    // The silence is over and the alert still fires: its firing notice goes out now.
    m.feed(alert(), T0 + 3 * HOUR)
    m.feed(alert(), T0 + 3 * HOUR + MIN)
    expect(m.notices()).toEqual([null, null, 'firing', null])
  })

  it('sends no resolved notice for an alert whose firing notice was held back', () => {
    const m = machine()
    m.feed(alert(), T0, true)
    m.feed(ok(), T0 + MIN)
    expect(m.notices()).toEqual([null, null])
  })

  it('holds back the resolved and error notices too while silenced', () => {
    const m = machine()
    m.feed(alert(), T0)
    m.feed(ok(), T0 + MIN, true)
    m.feed(error(), T0 + 2 * MIN, true)
    m.feed(error(), T0 + 3 * MIN)
    expect(m.notices()).toEqual(['firing', null, null, 'error'])
  })

  it('marks the evaluation that comes back to OK as resolving (ending an until-resolved silence)', () => {
    const m = machine()
    expect(m.feed(ok(), T0).resolves).toBe(false)
    expect(m.feed(ok(), T0 + MIN).resolves).toBe(false)
    m.feed(alert(), T0 + 2 * MIN, true)
    expect(m.feed(ok(), T0 + 3 * MIN, true).resolves).toBe(true)
    m.feed(error(), T0 + 4 * MIN)
    expect(m.feed(ok(), T0 + 5 * MIN).resolves).toBe(true)
  })

  it('records the last notice with its notifiers and the run of each evaluation', () => {
    const m = machine()
    m.feed(alert(), T0)
    m.feed(alert(), T0 + MIN)
    expect(m.state.lastNotified).toEqual({ kind: 'firing', at: new Date(T0).toISOString(), to: ['ops'] })
    expect(m.state.lastRunId).toBe('run-1')
    expect(m.state.lastEvaluatedAt).toBe(new Date(T0 + MIN).toISOString())
  })
})
