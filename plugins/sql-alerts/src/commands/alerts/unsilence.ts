import { Args, CircadianCommand, configFlag, jsonFlag, printJson, printLine } from 'circadian'
import { findAlertJob, namespaceOf } from '../../cli/alert-jobs.js'
import { openAlertStore } from '../../cli/alert-store-session.js'
import { PLUGIN_NAMESPACE } from '../../state/alert-store.js'

export default class AlertsUnsilence extends CircadianCommand {
  static override summary = "End an alert's silence: its next notices go out again."
  static override examples = ['<%= config.bin %> alerts unsilence revenue_drop']

  static override args = { job: Args.string({ required: true, description: 'The sql-alert job.' }) }
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AlertsUnsilence)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const job = findAlertJob(config, args.job)
    const session = await openAlertStore(config, namespaceOf(job, PLUGIN_NAMESPACE))
    let wasActive: boolean
    try {
      wasActive = await session.alerts.endSilence(job.name, Date.now())
    } finally {
      await session.close()
    }
    if (flags.json) return printJson({ job: job.name, unsilenced: wasActive })
    printLine(wasActive ? `Unsilenced ${job.name}` : `${job.name} was not silenced`)
  }
}
