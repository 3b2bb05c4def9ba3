/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { act, busy } from './actions.js'
import { h, hidden } from './dom.js'
import { prompt } from './prompt.js'

interface CancelAnswer {
  id: string
  status: string | null
  reason: string | null
}

/** Runs a Cancel button can stop: running ones, and queued ones that have not started. */
export const cancellable = (status: string) => status === 'running' || status === 'queued'

/**
 * Asks for a reason (optional; Cancel in the dialog sends nothing), then the token the way every change does,
 * and asks serve to stop the run. serve answers how the run ended, or that it is still stopping.
 */
async function cancelRun(job: string, runId: string): Promise<void> {
  const reason = await prompt({
    title: `Cancel run of ${job}`,
    help: 'The run is stopped (a command job with its whole process tree) and recorded as interrupted (cancelled); it is not retried. The reason is optional and kept with the run.',
    label: 'Reason (optional)',
    confirm: 'Cancel run',
    placeholder: 'why it is stopped',
    optional: true,
  })
  if (reason === null) return
  await act<CancelAnswer>(
    `Cancel run ${runId}`,
    `api/runs/${encodeURIComponent(runId)}/cancel`,
    reason ? { reason } : {},
    (r) =>
      r.status
        ? `Run ${r.id} of ${job} was cancelled: it ended ${r.status}${r.reason ? ` (${r.reason})` : ''}.`
        : `Run ${r.id} of ${job} is being cancelled; it is still stopping.`,
  )
}

/** A Cancel button for one run; `after` runs once serve has answered (a refresh). */
export function cancelButton(job: string, runId: string, after: () => unknown): HTMLButtonElement {
  const b: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'cancel-run',
      'data-action': 'cancel',
      'data-focus-key': `cancel:${runId}`,
      onclick: () => void busy(b, () => cancelRun(job, runId).then(after)),
    },
    'Cancel',
    hidden(` run ${runId}`),
  )
  return b
}
