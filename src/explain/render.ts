import type { Explanation } from './step.js'

const MARK: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'INFO' }

/** Control characters (C0, DEL, C1) out of text bound for a terminal: job output and reasons cannot move the cursor. */
export function forTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
}

/** One line per step: the verdict in words, the step, the detail. */
export function renderExplanation(e: Explanation): string[] {
  const width = Math.max(...e.steps.map((s) => s.step.length), 4)
  return [forTerminal(`${e.job} — ${e.question}`), ...e.steps.map((s) => forTerminal(`  ${MARK[s.verdict]}  ${s.step.padEnd(width)}  ${s.detail}`))]
}
