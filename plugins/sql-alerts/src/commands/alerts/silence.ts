import { Args, CircadianCommand, Flags, configFlag, jsonFlag, printJson, printLine } from 'circadian'
import { findAlertJob, namespaceOf } from '../../cli/alert-jobs.js'
import { openAlertStore } from '../../cli/alert-store-session.js'
import { describeSilence, silenceFromFlags } from '../../cli/silence-request.js'
import { publicSilence } from '../../state/alert-state.js'
import { PLUGIN_NAMESPACE } from '../../state/alert-store.js'

export default class AlertsSilence extends CircadianCommand {
  static override summary = "Hold back an alert's notices for a while; it is still evaluated and recorded."
  static override description =
    'Exactly one of --for, --until and --until-resolved. Who silenced it (from $USER), why and until when are recorded and shown by `alerts status`. Silencing again replaces the silence.'
  static override examples = [
    '<%= config.bin %> alerts silence revenue_drop --for 2h --reason "backfill running"',
    '<%= config.bin %> alerts silence revenue_drop --until 2026-12-01T09:00 --reason "holiday"',
    '<%= config.bin %> alerts silence revenue_drop --until-resolved --reason "known, fix deploying"',
  ]

  static override args = { job: Args.string({ required: true, description: 'The sql-alert job.' }) }
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    for: Flags.string({ helpValue: 'DURATION', description: 'How long, e.g. 30m, 2h, 1d.' }),
    until: Flags.string({
      helpValue: 'ISO',
      description: "Until this date-time (without an offset: in the config's time zone).",
    }),
    'until-resolved': Flags.boolean({ description: 'Until the alert is back to OK.' }),
    reason: Flags.string({ helpValue: 'TEXT', description: 'Why (shown with the silence).' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AlertsSilence)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const job = findAlertJob(config, args.job)
    const now = Date.now()
    const silence = silenceFromFlags(flags, now, config.timezone)
    const session = await openAlertStore(config, namespaceOf(job, PLUGIN_NAMESPACE))
    try {
      await session.alerts.saveSilence(job.name, silence)
    } finally {
      await session.close()
    }
    if (flags.json) return printJson({ job: job.name, silence: publicSilence(silence) })
    printLine(describeSilence(job.name, silence, now))
  }
}
