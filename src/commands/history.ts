import { Args, Flags } from '@oclif/core'
import { BaseCommand, UsageError, configFlag, jsonFlag } from '../cli/base-command.js'
import { printError, printJson, printLine, table } from '../cli/output.js'
import { utcFlag, zonesOf } from '../cli/render/times.js'
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
  static override description =
    'SCHEDULED is the occurrence a run belongs to (or when it was requested), STARTED when its work started: skipped and missed runs never started. A job that is neither in the config nor in the store is a usage error (exit 2); a job removed from the config still shows its runs. Works while the config on disk is invalid.'

  static override examples = [
    '<%= config.bin %> history',
    '<%= config.bin %> history nightly_import --limit 50',
    '<%= config.bin %> history --status failed --json',
  ]

  static override args = { job: Args.string({ description: 'Only this job.' }) }
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    utc: utcFlag,
    limit: Flags.integer({ char: 'n', default: 20, min: 1, max: 10_000, description: 'How many runs.' }),
    status: Flags.string({ options: [...RUN_STATUSES], description: 'Only runs with this status.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(History)
    this.jsonMode = flags.json
    const access = await this.loadStoreAccess(flags.config)
    const { config } = access
    const store = await openStore(access.state)
    try {
      if (args.job && config && !config.jobs.has(args.job)) {
        const hint = didYouMean(args.job, config.jobs.keys())
        if (!(await store.runs.list({ job: args.job, limit: 1 })).length)
          throw new UsageError(
            `Unknown job "${args.job}"${hint}: not in ${config.file}, and no runs recorded (jobs: ${[...config.jobs.keys()].join(', ') || 'none'})`,
          )
        printError(`note: "${args.job}" is not a job in ${config.file}${hint}; showing its recorded runs`)
      }
      const rows = await store.runs.list({
        job: args.job,
        status: flags.status as RunStatus | undefined,
        limit: flags.limit,
      })
      if (flags.json) return printJson({ runs: rows.map(runView) })
      if (!rows.length)
        return printLine(await nothingText(args.job, flags.status, () => store.runs.list({ job: args.job, limit: 1 })))
      const time = zonesOf(config, flags.utc)
      printLine(
        table(
          ['RUN', 'JOB', 'STATUS', 'TRIGGER', 'SCHEDULED', 'STARTED', 'TOOK', 'ATTEMPTS', 'SUMMARY'],
          rows.map((r) => [
            r.id,
            r.job,
            r.reason ? `${r.status} (${r.reason})` : r.status,
            r.trigger,
            time.forJob(r.job, r.scheduled_for ?? r.created_at),
            time.forJob(r.job, r.started_at),
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

/** Why the list is empty, precisely: no runs at all, or none with this status (while others exist). */
async function nothingText(
  job: string | undefined,
  status: string | undefined,
  anyRun: () => Promise<unknown[]>,
): Promise<string> {
  const of = job ? ` of ${job}` : ''
  if (!status) return `No runs${of} recorded yet.`
  const others = (await anyRun()).length > 0
  return `No ${status} runs${of}${others ? ` (there are runs with other statuses: circadian history${job ? ` ${job}` : ''})` : '; no runs recorded yet'}.`
}
