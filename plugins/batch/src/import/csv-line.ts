/** One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(fields: Array<string | number | null | undefined>): string {
  return `${fields
    .map((f) => {
      const s = f === null || f === undefined ? '' : String(f)
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
    })
    .join(',')}\n`
}
