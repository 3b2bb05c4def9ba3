import { Args, Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { setPaused } from '../cli/job-control.js'
import { printJson, printLine } from '../cli/output.js'

export default class Pause extends BaseCommand {
  static override summary = 'Pause a job: its occurrences are recorded as skipped (paused) until it is resumed.'
  static override examples = ['<%= config.bin %> pause nightly_import --reason "warehouse migration"']
  static override args = { job: Args.string({ required: true, description: 'The job to pause.' }) }
  static override flags = { config: configFlag, json: jsonFlag, reason: Flags.string({ description: 'Why, kept with the pause.' }) }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Pause)
    this.jsonMode = flags.json
    const result = await setPaused(await this.loadConfig(flags.config), args.job, true, flags.reason)
    if (flags.json) return printJson({ job: args.job, paused: true, reason: flags.reason ?? null, liveInstances: result.liveInstances })
    printLine(`${args.job} paused${result.liveInstances ? '' : ' (no serve is running right now; it will start paused)'}`)
  }
}
