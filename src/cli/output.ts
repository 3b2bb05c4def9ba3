import { redact, redactDeep } from '../reliability/redact.js'

/** Everything the CLI prints goes through here, redacted. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(redactDeep(value), null, 2)}\n`)
}

export function printLine(text = ''): void {
  process.stdout.write(`${redact(text)}\n`)
}

export function printError(text: string): void {
  process.stderr.write(`${redact(text)}\n`)
}

/** Left-aligned columns; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}
