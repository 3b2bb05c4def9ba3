import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { printJson, printLine, table } from '../cli/output.js'
import { readStatus } from '../cli/status.js'

export default class Status extends BaseCommand {
  static override summary = 'Show each job (next fire, last run, running, paused, failure streak) and the serve instances.'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json']
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(Status)
    this.jsonMode = flags.json
    const status = await readStatus(await this.loadConfig(flags.config))
    if (flags.json) return printJson(status)
    if (!status.instances.length) printLine('serve: not running (no instance heartbeat on this store)')
    for (const i of status.instances) {
      printLine(`serve: ${i.id} (pid ${i.pid}, v${i.version}) heartbeat ${i.heartbeatAgeSeconds}s ago${i.live ? '' : ' — STALE'}${i.running.length ? `, running ${i.running.length}` : ''}`)
    }
    printLine()
    printLine(
      table(
        ['JOB', 'TYPE', 'NEXT FIRE', 'LAST RUN', 'RUNNING', 'PAUSED', 'FAILURES'],
        status.jobs.map((j) => [
          j.job,
          j.type,
          j.nextFire?.replace('T', ' ').slice(0, 19) ?? (j.enabled ? '-' : 'disabled'),
          j.lastRun ? `${j.lastRun.status} ${j.lastRun.at.replace('T', ' ').slice(0, 19)}` : '-',
          String(j.running),
          j.paused ? `yes${j.pauseReason ? ` (${j.pauseReason})` : ''}` : 'no',
          String(j.consecutiveFailures),
        ]),
      ),
    )
  }
}
