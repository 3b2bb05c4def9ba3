import { Flags } from '@oclif/core'
import { BaseCommand, UsageError, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine } from '../../cli/output.js'
import { parseDuration } from '../../schedule/duration.js'
import { openStore } from '../../state/store.js'

export default class DlqPurge extends BaseCommand {
  static override summary = 'Delete dead letters older than a duration (default 30d).'
  static override examples = ['<%= config.bin %> dlq purge', '<%= config.bin %> dlq purge --older-than 7d --resolved']
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    'older-than': Flags.string({ default: '30d', description: 'Letters that failed longer ago than this.' }),
    resolved: Flags.boolean({ description: 'Only letters already resolved by a replay.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(DlqPurge)
    this.jsonMode = flags.json
    const age = parseDuration(flags['older-than'])
    if (age === null) throw new UsageError(`--older-than "${flags['older-than']}" is not a duration (e.g. 30d, 12h)`)
    const store = await openStore((await this.loadConfig(flags.config)).state)
    try {
      const deleted = await store.deadLetters.purge(new Date(Date.now() - age).toISOString(), flags.resolved)
      if (flags.json) return printJson({ deleted })
      printLine(`deleted ${deleted} dead letter(s)`)
    } finally {
      await store.close()
    }
  }
}
