import { redact, redactDeep } from '../reliability/redact.js'
import { forTerminal, jsonForTerminal } from './render/terminal-text.js'

/**
 * Everything the CLI prints goes through here, redacted. Text has its control characters made visible (job
 * output cannot drive the terminal); JSON keeps the exact data, with every control character \u-escaped.
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${jsonForTerminal(JSON.stringify(redactDeep(value), null, 2))}\n`)
}

export function printLine(text = ''): void {
  process.stdout.write(`${forTerminal(redact(text))}\n`)
}

export function printError(text: string): void {
  process.stderr.write(`${forTerminal(redact(text))}\n`)
}

/** Left-aligned columns; the last column is not padded. Cells are made terminal-safe first, so widths hold. */
export function table(headers: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map(forTerminal))
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}
