import { Args, Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { printError, printJson, printLine, table } from '../cli/output.js'
import { didYouMean } from '../config/suggest.js'
import { RUN_STATUSES, type RunRow, type RunStatus } from '../state/runs.js'
import { runView } from '../run/run-view.js'
import { openStore } from '../state/store.js'
import { redactThenTruncate } from '../reliability/redact.js'

function took(row: RunRow): string {
  if (!row.started_at || !row.finished_at) return '-'
  const ms = Date.parse(row.finished_at) - Date.parse(row.started_at)
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`
}

export default class History extends BaseCommand {
  static override exitWhenDone = true
  static override summary = 'Show recorded runs, newest first.'
  static override examples = [
    '<%= config.bin %> history',
    '<%= config.bin %> history nightly_import --limit 50',
    '<%= config.bin %> history --status failed --json',
  ]

  static override args = { job: Args.string({ description: 'Only this job.' }) }
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    limit: Flags.integer({ char: 'n', default: 20, min: 1, max: 10_000, description: 'How many runs.' }),
    status: Flags.string({ options: [...RUN_STATUSES], description: 'Only runs with this status.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(History)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    if (args.job && !config.jobs.has(args.job)) {
      printError(`note: "${args.job}" is not a job in ${config.file}${didYouMean(args.job, config.jobs.keys())}; showing its recorded runs, if any`)
    }
    const store = await openStore(config.state)
    try {
      const rows = await store.runs.list({ job: args.job, status: flags.status as RunStatus | undefined, limit: flags.limit })
      if (flags.json) return printJson({ runs: rows.map(runView) })
      if (!rows.length) return printLine('No runs recorded yet.')
      printLine(
        table(
          ['RUN', 'JOB', 'STATUS', 'TRIGGER', 'STARTED', 'TOOK', 'ATTEMPTS', 'SUMMARY'],
          rows.map((r) => [
            r.id,
            r.job,
            r.reason ? `${r.status} (${r.reason})` : r.status,
            r.trigger,
            (r.started_at ?? r.created_at).replace('T', ' ').slice(0, 19),
            took(r),
            String(r.attempts),
            redactThenTruncate((r.error ?? r.summary ?? '').split('\n')[0], 80),
          ]),
        ),
      )
    } finally {
      await store.close()
    }
  }
}
