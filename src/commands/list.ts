import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { printJson, printLine, table } from '../cli/output.js'
import { describeSchedule } from '../cli/render/config-summary.js'
import { utcFlag, zonesOf } from '../cli/render/times.js'

export default class List extends BaseCommand {
  static override exitWhenDone = true
  static override summary = 'List the jobs in the config with their schedule and next fire.'
  static override examples = ['<%= config.bin %> list', '<%= config.bin %> list --json']
  static override flags = { config: configFlag, json: jsonFlag, utc: utcFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(List)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const now = Date.now()
    const jobs = [...config.jobs.values()].map((job) => {
      const next = job.core.enabled && job.trigger ? job.trigger.next(now) : null
      return {
        job: job.name,
        type: job.type,
        schedule: describeSchedule(job),
        timezone: job.timezone,
        timezoneSource: job.timezoneSource,
        enabled: job.core.enabled,
        after: job.after,
        nextFire: next === null ? null : new Date(next).toISOString(),
      }
    })
    if (flags.json) return printJson({ jobs })
    if (!jobs.length) return printLine(`No jobs in ${config.file}.`)
    const time = zonesOf(config, flags.utc)
    const rows = jobs.map((j) => {
      const next = j.nextFire ? time.forJob(j.job, j.nextFire) : j.enabled ? '-' : 'disabled'
      return [
        j.job,
        j.type,
        j.schedule,
        `${j.timezone}${j.timezoneSource === 'job' ? '' : ` (${j.timezoneSource})`}`,
        j.enabled ? 'yes' : 'no',
        j.after.join(',') || '-',
        next,
      ]
    })
    printLine(table(['JOB', 'TYPE', 'SCHEDULE', 'TIMEZONE', 'ENABLED', 'AFTER', 'NEXT FIRE'], rows))
  }
}
