import { Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine, table } from '../../cli/output.js'
import { listNotices } from '../../notify/notices-admin.js'
import { NOTICE_STATUSES, type NoticeStatus } from '../../state/outbox.js'

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-')
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const plain = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')

export default class Notices extends BaseCommand {
  static override summary = 'List notices in the outbox: pending, failed (being retried), sent, expired.'
  static override description =
    "Every notice is written to the state store first and delivered from there, retried with backoff until sent or until its notifier's maxAge passes (then expired). Newest first."
  static override examples = ['<%= config.bin %> notices', '<%= config.bin %> notices --status expired --json']
  static override exitWhenDone = true
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    status: Flags.string({ options: [...NOTICE_STATUSES], description: 'Only notices in this state.' }),
    limit: Flags.integer({ default: 100, min: 1, description: 'How many.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Notices)
    this.jsonMode = flags.json
    const result = await listNotices(await this.loadConfig(flags.config), {
      status: flags.status as NoticeStatus | undefined,
      limit: flags.limit,
    })
    if (flags.json) return printJson(result)
    if (!result.notices.length) return printLine(flags.status ? `No ${flags.status} notices.` : 'No notices.')
    const rows = result.notices.map((n) => [
      String(n.id),
      n.status,
      n.notifier,
      n.job ?? '-',
      n.event,
      when(n.createdAt),
      String(n.attempts),
      n.status === 'sent'
        ? `sent ${when(n.sentAt)}${n.coalescedInto ? ` in ${n.coalescedInto}` : ''}`
        : n.nextAttemptAt
          ? `next try ${when(n.nextAttemptAt)}${n.lastError ? `: ${plain(n.lastError).slice(0, 60)}` : ''}`
          : plain(n.lastError ?? '').slice(0, 70),
    ])
    printLine(table(['ID', 'STATUS', 'NOTIFIER', 'JOB', 'EVENT', 'CREATED', 'TRIES', 'DETAIL'], rows))
    if (result.pending) printLine(`\n${result.pending} undelivered, the oldest since ${when(result.oldestPending)}`)
  }
}
