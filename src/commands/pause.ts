import { Args, Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { pauseJob } from '../cli/job-control.js'
import { printJson, printLine } from '../cli/output.js'
import { pauseText } from '../cli/render/job-control.js'

export default class Pause extends BaseCommand {
  static override summary = 'Pause a job: its occurrences are recorded as skipped (paused) until it is resumed.'
  static override description =
    'Pausing a paused job keeps its reason unless --reason gives a new one; the answer says which. Works while the config on disk is invalid (see docs/operations.md).'
  static override examples = ['<%= config.bin %> pause nightly_import --reason "warehouse migration"']
  static override args = { job: Args.string({ required: true, description: 'The job to pause.' }) }
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    reason: Flags.string({ description: 'Why, kept with the pause.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Pause)
    this.jsonMode = flags.json
    const result = await pauseJob(await this.loadStoreAccess(flags.config), args.job, flags.reason)
    if (flags.json) return printJson({ job: args.job, paused: true, ...result })
    printLine(pauseText(args.job, result))
  }
}
