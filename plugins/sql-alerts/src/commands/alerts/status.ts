import { Args, CircadianCommand, configFlag, jsonFlag, printJson, printLine, table, utcFlag, zonesOf } from 'circadian'
import { alertJobs, findAlertJob, namespaceOf } from '../../cli/alert-jobs.js'
import { openAlertStore } from '../../cli/alert-store-session.js'
import { STATUS_HEADERS, alertStatuses, statusRows } from '../../cli/status-report.js'
import { PLUGIN_NAMESPACE } from '../../state/alert-store.js'

export default class AlertsStatus extends CircadianCommand {
  static override summary = 'Where each sql-alert stands: state, since when, last value vs threshold, silence.'
  static override examples = [
    '<%= config.bin %> alerts status',
    '<%= config.bin %> alerts status revenue_drop --json',
    '<%= config.bin %> alerts status --utc',
  ]

  static override strict = false
  static override args = { jobs: Args.string({ description: 'Only these sql-alert jobs (default: all).' }) }
  static override flags = { config: configFlag, json: jsonFlag, utc: utcFlag }

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(AlertsStatus)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const names = argv as string[]
    const jobs = names.length ? names.map((n) => findAlertJob(config, n)) : alertJobs(config)
    const now = Date.now()
    const session = await openAlertStore(config, jobs[0] ? namespaceOf(jobs[0], PLUGIN_NAMESPACE) : PLUGIN_NAMESPACE)
    let statuses
    try {
      statuses = await alertStatuses(jobs, session.alerts, now, session.noticeStates)
    } finally {
      await session.close()
    }
    if (flags.json) return printJson({ alerts: statuses })
    if (!statuses.length) return printLine(`No sql-alert jobs in ${config.file}.`)
    printLine(table(STATUS_HEADERS, statusRows(statuses, now, zonesOf(config, flags.utc))))
  }
}
