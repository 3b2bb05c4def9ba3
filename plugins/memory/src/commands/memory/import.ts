import path from 'node:path'
import { Args, printError, printJson, printLine } from 'circadian'
import { MemoryCommand, storeFlags } from '../../cli/memory-command.js'
import { importFile } from '../../memories/import-file.js'

export default class MemoryImport extends MemoryCommand {
  static override summary = 'Import memories from a JSONL file (one JSON object per line).'
  static override description = `Each line: {"content": "...", "importance": 0.7, "tags": ["a", "b"], "created_at": "2026-01-05T09:00:00Z", "source": "notes"}; only content is required (see the plugin's README for every field). Good lines are imported, bad ones are reported with their line numbers.

Exit codes: 0 when the file was read (even if some lines were bad: they are listed on stderr); 2 when the file cannot be read, or when it has bad lines and none good (nothing imported).`

  static override examples = [
    '<%= config.bin %> memory import notes.jsonl',
    '<%= config.bin %> memory import notes.jsonl --json',
  ]
  static override args = { file: Args.string({ required: true, description: 'The JSONL file.' }) }
  static override flags = { ...storeFlags }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MemoryImport)
    this.jsonMode = flags.json
    const file = path.resolve(args.file)
    const report = await this.withStore(flags, (store) => importFile(store.db, file, Date.now()))
    const nothingGood = report.imported === 0 && report.skipped > 0
    if (flags.json) {
      printJson({ ...report, file: args.file })
    } else {
      for (const e of report.errors) printError(`${args.file}:${e.line}: ${e.message}`)
      const ids =
        report.firstId === null
          ? ''
          : report.firstId === report.lastId
            ? ` (id ${report.firstId})`
            : ` (ids ${report.firstId}-${report.lastId})`
      const skipped = report.skipped ? `; skipped ${report.skipped} bad line${report.skipped === 1 ? '' : 's'}` : ''
      if (nothingGood) printError(`nothing imported from ${args.file}: every line with content is bad`)
      else
        printLine(
          `imported ${report.imported} memor${report.imported === 1 ? 'y' : 'ies'} from ${args.file}${ids}${skipped}`,
        )
    }
    if (nothingGood) this.exit(2)
  }
}
