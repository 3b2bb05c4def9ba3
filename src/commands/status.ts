import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { printJson, printLine, table } from '../cli/output.js'
import { utcFlag, zonesOf } from '../cli/render/times.js'
import { readStatus } from '../cli/status.js'

export default class Status extends BaseCommand {
  static override summary =
    'Show each job (next fire, last run, running, paused, failure streak) and the serve instances.'
  static override description =
    'Works while the config on disk is invalid: from its state settings, or those serve recorded for the last valid config (with a warning).'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json']
  static override flags = { config: configFlag, json: jsonFlag, utc: utcFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(Status)
    this.jsonMode = flags.json
    const access = await this.loadStoreAccess(flags.config)
    const status = await readStatus(access)
    if (flags.json) return printJson(status)
    const time = zonesOf(access.config, flags.utc)
    if (!status.instances.length) printLine('serve: not running (no instance heartbeat on this store)')
    for (const i of status.instances) {
      printLine(
        `serve: ${i.id} (pid ${i.pid}, v${i.version}) started ${time.at(i.startedAt)}, heartbeat ${i.heartbeatAgeSeconds}s ago${i.live ? '' : ' — STALE'}${i.running.length ? `, running ${i.running.length}` : ''}`,
      )
    }
    printLine()
    printLine(
      table(
        ['JOB', 'TYPE', 'NEXT FIRE', 'LAST RUN', 'RUNNING', 'PAUSED', 'FAILURES'],
        status.jobs.map((j) => [
          j.job,
          j.type,
          j.nextFire ? time.forJob(j.job, j.nextFire) : j.enabled ? '-' : 'disabled',
          j.lastRun ? `${j.lastRun.status} ${time.forJob(j.job, j.lastRun.at)}` : '-',
          String(j.running),
          j.paused ? `yes${j.pauseReason ? ` (${j.pauseReason})` : ''}` : 'no',
          String(j.consecutiveFailures),
        ]),
      ),
    )
  }
}
