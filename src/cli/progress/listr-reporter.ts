import { Listr } from 'listr2'
import type { JobDefinition } from '../../config/model.js'
import type { RunOutcome } from '../../run/outcome.js'
import { redact } from '../../reliability/redact.js'
import { printLine } from '../output.js'
import { forTerminal } from '../render/terminal-text.js'
import { type ProgressReporter, outcomeText, tally } from './reporter.js'

interface Deferred {
  promise: Promise<RunOutcome | null>
  resolve(outcome: RunOutcome | null): void
}

function deferred(): Deferred {
  let resolve: (o: RunOutcome | null) => void = () => {}
  const promise = new Promise<RunOutcome | null>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** A live task list on a terminal: one line per job, updated as runs start, retry and finish. */
export function listrReporter(jobs: JobDefinition[], nothingText?: string): ProgressReporter {
  const finished = new Map(jobs.map((j) => [j.name, deferred()]))
  const notes = new Map<string, (text: string) => void>()
  const list = new Listr(
    jobs.map((job) => ({
      title: job.name,
      task: async (_ctx: unknown, task: { title: string; output: string; skip(msg?: string): void }) => {
        notes.set(job.name, (text) => {
          task.output = forTerminal(redact(text))
        })
        const outcome = await finished.get(job.name)!.promise
        if (!outcome) return task.skip(forTerminal(`${job.name}: not run`))
        const text = forTerminal(redact(`${job.name} ${outcomeText(outcome)}`))
        if (outcome.status === 'skipped') return task.skip(text)
        if (outcome.status === 'succeeded' || outcome.status === 'alert') {
          task.title = text
          return
        }
        throw new Error(text)
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      rendererOptions: { collapseErrors: false, collapseSkips: false, showErrorMessage: true },
    },
  )
  const rendering = list.run().catch(() => {})
  return {
    events: {
      onStart: (job) => notes.get(job)?.('running'),
      onRetry: (job, r) =>
        notes.get(job)?.(`attempt ${r.attempt - 1} failed: ${r.error}; retrying in ${(r.delayMs / 1000).toFixed(1)}s`),
      onFinish: (o) => finished.get(o.job)?.resolve(o),
    },
    async finish(outcomes) {
      for (const d of finished.values()) d.resolve(null)
      await rendering
      printLine(tally(outcomes, nothingText))
    },
  }
}
