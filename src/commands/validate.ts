import { ConfigError } from '../config/errors.js'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { printError, printJson, printLine } from '../cli/output.js'
import { summarizeJobTypes } from '../cli/render/config-summary.js'

export default class Validate extends BaseCommand {
  static override exitWhenDone = true
  static override summary = 'Check the whole config and report every problem at once.'
  static override description =
    'Loads the config, every job type from the installed plugins, and validates everything: keys, types, cron expressions, time zones, `after` references and cycles, notifiers, connections and unset env() variables. Exits 0 when valid, 2 when not.'

  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate --config ops/circadian.config.ts',
    '<%= config.bin %> validate --json',
  ]

  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate)
    this.jsonMode = flags.json
    try {
      const config = await this.loadConfig(flags.config)
      if (flags.json) printJson({ valid: true, file: config.file, jobs: config.jobs.size, warnings: config.warnings })
      else printLine(`✔ ${config.file} is valid: ${summarizeJobTypes(config)}`)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      if (flags.json) printJson({ valid: false, file: err.file, errors: err.issues })
      else printError(err.message)
      this.exit(2)
    }
  }
}
