import { Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine, table } from '../../cli/output.js'
import { pruneNow } from '../../cli/prune-state.js'

export default class StatePrune extends BaseCommand {
  static override summary =
    'Delete history past the retention rules now (serve does it in the background); --dry-run only counts.'
  static override description =
    "A run is kept while it is younger than retention.maxAge or among its job's newest retention.keepPerJob, and the newest run of each status a job has had is always kept. Attempts, delivery records and delivered notices of a deleted run go with it. Job types prune their own tables under the same policy. See docs/operations.md for the rules of the outbox, dead letters and logs."
  static override examples = [
    '<%= config.bin %> state prune --dry-run',
    '<%= config.bin %> state prune --json',
    '<%= config.bin %> state prune --vacuum   # SQLite: once, to reuse freed space from now on',
  ]
  static override exitWhenDone = true
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    'dry-run': Flags.boolean({ description: 'Count what would be deleted; delete nothing.' }),
    vacuum: Flags.boolean({
      description:
        'SQLite: VACUUM once to switch an older state file to incremental auto-vacuum (locks the file while it runs).',
    }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(StatePrune)
    this.jsonMode = flags.json
    const report = await pruneNow(await this.loadConfig(flags.config), {
      dryRun: flags['dry-run'],
      vacuum: flags.vacuum,
    })
    if (flags.json) return printJson(report)
    const verb = report.dryRun ? 'would delete' : 'deleted'
    const rows = report.jobs
      .filter((j) => j.runs || j.plugin)
      .map((j) => [
        j.job,
        String(j.runs),
        String(j.run_attempts),
        String(j.notifications + j.notices),
        String(j.plugin),
        j.cutoff ?? '-',
      ])
    if (rows.length) printLine(table(['JOB', 'RUNS', 'ATTEMPTS', 'NOTICES', 'PLUGIN ROWS', 'BEFORE'], rows))
    const o = report.other
    printLine(
      `${verb} ${report.totals.runs} run(s) with ${report.totals.run_attempts} attempt(s), ${report.totals.plugin} plugin row(s); ${o.noticesSent + o.noticesExpired} old notice(s), ${o.deadLettersResolved + o.deadLettersUnresolved} dead letter(s), ${o.notifications} delivery record(s), ${o.actions} action(s), ${o.requests} request(s)`,
    )
    if (report.space === 'none')
      printLine(
        'note: this SQLite file does not reuse freed space yet; run `circadian state prune --vacuum` once (it locks the file while it runs)',
      )
    if (report.space === 'vacuumed') printLine('the state file was vacuumed; freed space is reused from now on')
  }
}
