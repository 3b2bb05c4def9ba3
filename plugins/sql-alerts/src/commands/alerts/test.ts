import { Args, CircadianCommand, configFlag, jsonFlag, printJson, printLine } from 'circadian'
import { findAlertJob } from '../../cli/alert-jobs.js'
import { testAlert } from '../../cli/test-alert.js'
import { valueVsThreshold } from '../../format.js'
import { displayValue } from '../../query/values.js'

const EXIT = { OK: 0, ALERT: 1, ERROR: 3 } as const

export default class AlertsTest extends CircadianCommand {
  static override summary =
    "Run an alert's query now and show the outcome, without changing its state or sending a notice."
  static override description =
    'Exit codes: 0 the query returned OK, 1 ALERT, 3 ERROR (the query failed or broke the contract), 2 bad usage or config.'
  static override examples = [
    '<%= config.bin %> alerts test revenue_drop',
    '<%= config.bin %> alerts test revenue_drop --json',
  ]

  static override args = { job: Args.string({ required: true, description: 'The sql-alert job.' }) }
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AlertsTest)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const report = await testAlert(config, findAlertJob(config, args.job))
    if (flags.json) {
      printJson(report)
    } else if (report.status === 'ERROR') {
      printLine(`${report.job}: ERROR (${report.error!.kind}) — ${report.error!.message}`)
    } else {
      const values = valueVsThreshold(report.actual_value, report.threshold)
      printLine(`${report.job}: ${report.status}${values ? ` — ${values}` : ''} (${report.durationMs}ms)`)
      for (const [key, value] of Object.entries(report.context ?? {})) printLine(`  ${key}: ${displayValue(value)}`)
      printLine('(test only: no state was changed and no notice was sent)')
    }
    if (EXIT[report.status]) this.exit(EXIT[report.status])
  }
}
