import { Args } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { requestTrigger } from '../cli/job-control.js'
import { printJson, printLine } from '../cli/output.js'

export default class Trigger extends BaseCommand {
  static override summary = 'Ask the running serve to run a job now (within a second), under its overlap policy.'
  static override description =
    'Records a request in the state store; a running `circadian serve` on the same store picks it up. Without a running serve nothing happens until one starts — to run a job right here, use `circadian run JOB`. A paused job is refused (exit 2): its run would only be skipped; resume it first. Works while the config on disk is invalid.'
  static override examples = ['<%= config.bin %> trigger nightly_import']
  static override args = { job: Args.string({ required: true, description: 'The job to run.' }) }
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Trigger)
    this.jsonMode = flags.json
    const result = await requestTrigger(await this.loadStoreAccess(flags.config), args.job)
    if (flags.json) return printJson({ job: args.job, ...result })
    const running = result.running ? `; ${result.running} run already running, so the job's overlap policy decides` : ''
    if (result.liveInstances)
      printLine(`${args.job}: triggered (request ${result.requestId})${running}; see \`circadian history ${args.job}\``)
    else
      printLine(
        `${args.job}: request ${result.requestId} recorded, but no serve is running on this store; it runs when one starts (or run it here: circadian run ${args.job})`,
      )
  }
}
