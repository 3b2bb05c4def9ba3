import { Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine, table } from '../../cli/output.js'
import { letterView } from '../../cli/reliability-views.js'
import { utcFlag, zonesOf } from '../../cli/render/times.js'
import { redactThenTruncate } from '../../reliability/redact.js'
import { openStore } from '../../state/store.js'

export default class DlqList extends BaseCommand {
  static override summary = 'List dead letters: runs that failed after their last attempt, unresolved first.'
  static override examples = [
    '<%= config.bin %> dlq list',
    '<%= config.bin %> dlq list --job nightly_import --all --json',
  ]
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    utc: utcFlag,
    all: Flags.boolean({ description: 'Include resolved letters.' }),
    job: Flags.string({ description: 'Only this job.' }),
    limit: Flags.integer({ default: 100, min: 1, description: 'How many.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(DlqList)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const time = zonesOf(config, flags.utc)
    const store = await openStore(config.state)
    try {
      const letters = (
        await store.deadLetters.list({ includeResolved: flags.all, job: flags.job, limit: flags.limit })
      ).map(letterView)
      if (flags.json) return printJson({ deadLetters: letters })
      if (!letters.length) return printLine('No dead letters.')
      printLine(
        table(
          ['ID', 'JOB', 'FAILED', 'ATTEMPTS', 'REPLAYS', 'RESOLVED', 'ERROR'],
          letters.map((l) => [
            String(l.id),
            l.job,
            time.forJob(l.job, l.failedAt),
            String(l.attempts),
            String(l.replays),
            l.resolvedAt ? 'yes' : 'no',
            redactThenTruncate((l.error ?? '').split('\n')[0], 70),
          ]),
        ),
      )
    } finally {
      await store.close()
    }
  }
}
