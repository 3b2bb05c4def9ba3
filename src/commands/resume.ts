import { Args } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { setPaused } from '../cli/job-control.js'
import { printJson, printLine } from '../cli/output.js'

export default class Resume extends BaseCommand {
  static override summary = 'Resume a paused job.'
  static override examples = ['<%= config.bin %> resume nightly_import']
  static override args = { job: Args.string({ required: true, description: 'The job to resume.' }) }
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Resume)
    this.jsonMode = flags.json
    const result = await setPaused(await this.loadConfig(flags.config), args.job, false)
    if (flags.json) return printJson({ job: args.job, paused: false, liveInstances: result.liveInstances })
    printLine(`${args.job} resumed`)
  }
}
