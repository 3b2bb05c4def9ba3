import { Args, Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine } from '../../cli/output.js'
import { retryNotices } from '../../notify/notices-admin.js'

export default class NoticesRetry extends BaseCommand {
  static override summary = 'Queue failed or expired notices again, due now, with a fresh maxAge.'
  static override examples = ['<%= config.bin %> notices retry 42', '<%= config.bin %> notices retry --all']
  static override exitWhenDone = true
  static override args = { id: Args.string({ description: 'The notice id or key (see `circadian notices`).' }) }
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    all: Flags.boolean({ description: 'Every failed and expired notice.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NoticesRetry)
    this.jsonMode = flags.json
    const result = await retryNotices(await this.loadConfig(flags.config), { id: args.id, all: flags.all })
    if (flags.json) return printJson(result)
    printLine(`${result.requeued} notice(s) queued again; serve (or the next run) delivers them`)
  }
}
