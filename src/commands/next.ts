import { Flags } from '@oclif/core'
import { BaseCommand, UsageError, configFlag, jsonFlag } from '../cli/base-command.js'
import { printJson, printLine } from '../cli/output.js'
import { selectJobs } from '../cli/select-jobs.js'
import { parseTimeFlag } from '../config/triggers.js'
import { nextFires } from '../schedule/trigger.js'
import { utcFlag, zonesOf } from '../cli/render/times.js'

export default class Next extends BaseCommand {
  static override exitWhenDone = true
  static override summary = 'Show the next fires of jobs, in their time zone (--utc: in UTC; --json: ISO UTC instants).'
  static override description =
    "Computes the next N fire instants of each job (all jobs when none is named) strictly after --from (default: now), with the DST rules of the scheduler. A --from without a UTC offset is read in each job's time zone."

  static override examples = [
    '<%= config.bin %> next',
    '<%= config.bin %> next nightly_import --count 10',
    '<%= config.bin %> next c01 --from 2026-03-28T00:00:00Z --count 5 --json',
  ]

  static override strict = false
  static override args = {}
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    utc: utcFlag,
    from: Flags.string({ helpValue: 'ISO', description: 'Start after this instant (default: now).' }),
    count: Flags.integer({ char: 'n', default: 5, min: 1, max: 1000, description: 'How many fires per job.' }),
  }

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Next)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const jobs = argv.length ? selectJobs(config, argv as string[]) : [...config.jobs.values()]
    const fromFor = (zone: string): number => {
      if (flags.from === undefined) return Date.now()
      const parsed = parseTimeFlag(flags.from, zone)
      if (parsed === 'format')
        throw new UsageError(`--from "${flags.from}" is not an ISO date-time (e.g. 2026-03-29T00:00:00Z)`)
      if (parsed === 'invalid') throw new UsageError(`--from "${flags.from}" is not a valid date-time`)
      return parsed.instant
    }
    if (flags.from !== undefined) fromFor('UTC')
    const result = jobs.map((job) => ({
      job: job.name,
      timezone: job.timezone,
      fires: job.trigger
        ? nextFires(job.trigger, fromFor(job.timezone), flags.count).map((f) => new Date(f).toISOString())
        : [],
    }))
    if (flags.json) return printJson({ jobs: result })
    const time = zonesOf(config, flags.utc)
    for (const [i, entry] of result.entries()) {
      const job = config.jobs.get(entry.job)!
      if (i) printLine()
      printLine(`${entry.job}  ${job.trigger?.text ?? '(no schedule)'}  ${entry.timezone}`)
      if (!entry.fires.length)
        printLine(
          job.trigger
            ? '  no further fires'
            : `  runs only when triggered${job.after.length ? ` or after ${job.after.join(', ')}` : ''}`,
        )
      for (const fire of entry.fires) printLine(`  ${time.forJob(entry.job, fire)}`)
    }
  }
}
