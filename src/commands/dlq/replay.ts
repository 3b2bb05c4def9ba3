import { Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../../cli/base-command.js'
import { letterIdArg, parseLetterId } from '../../cli/letter-id.js'
import { printJson, printLine } from '../../cli/output.js'
import { outcomeText } from '../../cli/progress/reporter.js'
import { exitCodeFor } from '../../run/outcome.js'
import { replayDeadLetter } from '../../run/replay.js'
import { openRunServices } from '../../run/services-factory.js'

export default class DlqReplay extends BaseCommand {
  static override summary =
    "Run a dead letter's job again, now, with the options it failed with; success resolves the letter."
  static override description =
    'The run is recorded with trigger "replay". Secrets were never stored with the letter: they come from the current config. Exit codes as for `run`.'
  static override examples = ['<%= config.bin %> dlq replay 12']
  static override args = { id: letterIdArg }
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    notify: Flags.boolean({ default: true, allowNo: true, description: 'Send notifications.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DlqReplay)
    this.jsonMode = flags.json
    const id = parseLetterId(args.id)
    const config = await this.loadConfig(flags.config)
    const services = await openRunServices(config, { notify: flags.notify })
    try {
      const outcome = await replayDeadLetter(config, id, services)
      if (flags.json) printJson({ runs: [outcome] })
      else
        printLine(
          `${outcome.job} ${outcomeText(outcome)}${outcome.status === 'succeeded' ? ` — dead letter ${id} resolved` : ''}`,
        )
      const code = exitCodeFor([outcome])
      if (code) this.exit(code)
    } finally {
      await services.close()
    }
  }
}
