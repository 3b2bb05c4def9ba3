import { Flags, printJson, printLine } from 'circadian'
import { BatchCommand, databaseFlags } from '../../cli/batch-command.js'
import { renderRejects } from '../../cli/render-rejects.js'
import { readRejects } from '../../import/read-rejects.js'

export default class BatchRejects extends BatchCommand {
  static override summary = 'Show the rows the latest imports rejected, with file, line and reason.'
  static override description =
    'For each batch-import job (or --job), its latest import and the rows it rejected; --run shows one import run. Rejects are kept for 30 days.'
  static override examples = [
    '<%= config.bin %> batch rejects',
    '<%= config.bin %> batch rejects --job import_listings --limit 100',
    '<%= config.bin %> batch rejects --run 01JD2K8Q4Z6Y3X1W0V9T8S7R6Q --json',
  ]

  static override flags = {
    ...databaseFlags,
    run: Flags.string({ helpValue: 'RUN_ID', description: 'Only this import run.' }),
    limit: Flags.integer({
      char: 'n',
      default: 50,
      min: 1,
      max: 100_000,
      description: 'At most this many rejects per import.',
    }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(BatchRejects)
    this.jsonMode = flags.json
    const imports = await this.withDatabase(
      flags,
      async (db) => (db ? readRejects(db, { job: flags.job, runId: flags.run, limit: flags.limit }) : []),
      ['batch-import'],
    )
    if (flags.json) return printJson({ imports })
    printLine(renderRejects(imports))
  }
}
