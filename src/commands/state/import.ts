import { createReadStream, existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Args } from '@oclif/core'
import { BaseCommand, UsageError, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine, table } from '../../cli/output.js'
import { openStore } from '../../state/store.js'
import { importState } from '../../state/transfer.js'

export default class StateImport extends BaseCommand {
  static override summary = "Read a `state export` into this config's store (rows already there are kept)."
  static override examples = [
    '<%= config.bin %> state import backup.jsonl',
    '<%= config.bin %> state import backup.jsonl --config pg.config.ts',
  ]
  static override args = { file: Args.string({ required: true, description: 'The export (JSON lines); - for stdin.' }) }
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StateImport)
    this.jsonMode = flags.json
    if (args.file !== '-' && !existsSync(args.file)) throw new UsageError(`No such file: ${args.file}`)
    const store = await openStore((await this.loadConfig(flags.config)).state)
    try {
      const input = args.file === '-' ? process.stdin : createReadStream(args.file)
      const counts = await importState(store.knex, createInterface({ input, crlfDelay: Infinity }))
      if (flags.json) return printJson({ tables: counts })
      printLine(
        table(
          ['TABLE', 'READ', 'INSERTED'],
          Object.entries(counts).map(([t, c]) => [t, String(c.read), String(c.inserted)]),
        ),
      )
    } finally {
      await store.close()
    }
  }
}
