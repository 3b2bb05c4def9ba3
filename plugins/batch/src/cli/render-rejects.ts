import type { ImportWithRejects } from '../import/read-rejects.js'
import { wideTable } from './wide-table.js'

export function renderRejects(imports: ImportWithRejects[]): string {
  if (!imports.length) return 'No imports recorded yet.'
  return imports
    .map((i) => {
      const head = `${i.job} (${i.kind}), run ${i.runId} at ${i.finishedAt.replace('T', ' ').slice(0, 19)} UTC: ${i.rows} rows, ${i.accepted} upserted, ${i.rejected} rejected`
      if (!i.rejects.length) return head
      const rows = i.rejects.map((r) => [r.file, String(r.line), r.externalId ?? '', r.reason])
      const more =
        i.rejected > i.rejects.length
          ? `\n… ${i.rejected - i.rejects.length} more (--limit ${Math.min(i.rejected, 10_000)} or --json)`
          : ''
      return `${head}\n${wideTable(['FILE', 'LINE', 'ID', 'REASON'], rows)}${more}`
    })
    .join('\n\n')
}
