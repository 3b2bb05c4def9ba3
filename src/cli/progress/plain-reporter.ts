import { printLine } from '../output.js'
import { type ProgressReporter, outcomeText, tally } from './reporter.js'

/** One line per event, for CI logs and pipes. */
export function plainReporter(nothingText?: string): ProgressReporter {
  const mark: Record<string, string> = { succeeded: '✔', alert: '!', skipped: '↷' }
  return {
    events: {
      onStart: (job) => printLine(`▶ ${job} started`),
      onRetry: (job, r) =>
        printLine(
          `↻ ${job} attempt ${r.attempt - 1} failed: ${r.error}; retrying in ${(r.delayMs / 1000).toFixed(1)}s`,
        ),
      onFinish: (o) => printLine(`${mark[o.status] ?? '✖'} ${o.job} ${outcomeText(o)}`),
    },
    async finish(outcomes) {
      printLine(tally(outcomes, nothingText))
    },
  }
}
