import { createWriteStream } from 'node:fs'
import { Flags } from '@oclif/core'
import { BaseCommand, configFlag } from '../../cli/base-command.js'
import { printError } from '../../cli/output.js'
import { openStore } from '../../state/store.js'
import { exportState } from '../../state/transfer.js'

export default class StateExport extends BaseCommand {
  static override summary = 'Write the whole state (runs, job state, kv, dead letters, breakers, ...) as JSON lines.'
  static override description =
    'With `state import`, moves the state between stores, e.g. from the default SQLite file to PostgreSQL when several instances should share the work. Rows are written as stored (already redacted).'
  static override examples = [
    '<%= config.bin %> state export > backup.jsonl',
    '<%= config.bin %> state export --out backup.jsonl',
  ]
  static override flags = {
    config: configFlag,
    out: Flags.string({ char: 'o', helpValue: 'FILE', description: 'Write here instead of stdout.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(StateExport)
    const store = await openStore((await this.loadConfig(flags.config)).state)
    const out: NodeJS.WritableStream = flags.out ? createWriteStream(flags.out, { mode: 0o600 }) : process.stdout
    let rows = -1
    try {
      for await (const line of exportState(store.knex)) {
        rows++
        if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()))
      }
    } finally {
      await store.close()
      if (flags.out) await new Promise<void>((r) => out.end(() => r()))
    }
    printError(`exported ${rows} row(s)${flags.out ? ` to ${flags.out}` : ''}`)
  }
}
