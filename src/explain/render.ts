import { forTerminal } from '../cli/render/terminal-text.js'
import type { Explanation } from './step.js'

const MARK: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'INFO' }

/** One line per step: the verdict in words, the step, the detail; control characters shown as escapes (one path: forTerminal). */
export function renderExplanation(e: Explanation): string[] {
  const width = Math.max(...e.steps.map((s) => s.step.length), 4)
  return [
    forTerminal(`${e.job} — ${e.question}`),
    ...e.steps.map((s) => forTerminal(`  ${MARK[s.verdict]}  ${s.step.padEnd(width)}  ${s.detail}`)),
  ]
}
