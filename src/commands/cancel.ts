import { Args, Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { cancelFromCli } from '../cli/cancel-run.js'
import { printJson, printLine } from '../cli/output.js'

export default class Cancel extends BaseCommand {
  static override summary =
    'Stop a running run (by id) or the running runs of a job: recorded interrupted (cancelled), not retried.'
  static override examples = [
    '<%= config.bin %> cancel nightly_import --reason "wrong input file"',
    '<%= config.bin %> cancel 01M973F81WPH0Y3PB9YSPPYDCY',
  ]
  static override args = { target: Args.string({ required: true, description: 'A job name or a run id.' }) }
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    reason: Flags.string({ description: 'Why, kept with the run (secrets redacted).' }),
    wait: Flags.integer({ default: 15, min: 0, max: 600, description: 'Seconds to wait for the runs to stop.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Cancel)
    this.jsonMode = flags.json
    const result = await cancelFromCli(
      await this.loadConfig(flags.config),
      args.target,
      flags.reason,
      flags.wait * 1000,
    )
    if (flags.json) return printJson(result)
    for (const run of result.runs) {
      printLine(
        run.status
          ? `${run.job} ${run.id}: ${run.status}${run.reason ? ` (${run.reason})` : ''}`
          : `${run.job} ${run.id}: cancel requested; still stopping`,
      )
    }
  }
}
