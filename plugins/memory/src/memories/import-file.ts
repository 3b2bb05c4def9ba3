import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Knex } from 'knex'
import { UserError } from 'circadian'
import { type LineError, parseMemoriesJsonl } from './jsonl.js'
import { insertMemories } from './write.js'

export interface ImportReport {
  file: string
  imported: number
  skipped: number
  errors: LineError[]
  firstId: number | null
  lastId: number | null
}

/**
 * Imports a JSONL file of memories: the good lines in one transaction, the bad ones reported with their
 * line numbers. An unreadable file is a UserError (nothing is imported).
 */
export async function importFile(db: Knex, file: string, now: number): Promise<ImportReport> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new UserError(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? (err as Error).message)}`,
    )
  }
  const parsed = parseMemoriesJsonl(text, now, 'import')
  const ids = parsed.memories.length
    ? await db.transaction((trx) => insertMemories(trx, parsed.memories, now, `import:${path.basename(file)}:${now}`))
    : []
  return {
    file,
    imported: ids.length,
    skipped: parsed.errors.length,
    errors: parsed.errors,
    firstId: ids.length ? ids[0] : null,
    lastId: ids.length ? ids[ids.length - 1] : null,
  }
}
