import { Args } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { resumeJob } from '../cli/job-control.js'
import { printJson, printLine } from '../cli/output.js'
import { resumeText } from '../cli/render/job-control.js'

export default class Resume extends BaseCommand {
  static override summary = 'Resume a paused job.'
  static override description =
    'A job that was not paused is left as it is, and the answer says so (and whether it is running). Works while the config on disk is invalid.'
  static override examples = ['<%= config.bin %> resume nightly_import']
  static override args = { job: Args.string({ required: true, description: 'The job to resume.' }) }
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Resume)
    this.jsonMode = flags.json
    const result = await resumeJob(await this.loadStoreAccess(flags.config), args.job)
    if (flags.json) return printJson({ job: args.job, paused: false, ...result })
    printLine(resumeText(args.job, result))
  }
}
