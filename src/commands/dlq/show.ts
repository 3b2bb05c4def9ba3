import { Args } from '@oclif/core'
import { BaseCommand, UsageError, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine } from '../../cli/output.js'
import { letterView } from '../../cli/reliability-views.js'
import { openStore } from '../../state/store.js'

export default class DlqShow extends BaseCommand {
  static override summary = 'Show one dead letter: the job, its options when it failed (redacted), the error, attempts, times.'
  static override examples = ['<%= config.bin %> dlq show 12']
  static override args = { id: Args.integer({ required: true, description: 'The letter id (see dlq list).' }) }
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DlqShow)
    this.jsonMode = flags.json
    const store = await openStore((await this.loadConfig(flags.config)).state)
    try {
      const letter = await store.deadLetters.get(args.id)
      if (!letter) throw new UsageError(`No dead letter ${args.id} (see circadian dlq list)`)
      const view = letterView(letter)
      if (flags.json) return printJson(view)
      printLine(`dead letter ${view.id}: ${view.job} (${view.type}), run ${view.runId}`)
      printLine(`failed at ${view.failedAt} after ${view.attempts} attempt(s)${view.scheduledFor ? `; scheduled for ${view.scheduledFor}` : ''}`)
      printLine(`error: ${view.error ?? '-'}`)
      printLine(`replays: ${view.replays}${view.resolvedAt ? `; resolved at ${view.resolvedAt} by run ${view.resolvedByRun}` : '; unresolved'}`)
      printLine(`options: ${JSON.stringify(view.options, null, 2)}`)
    } finally {
      await store.close()
    }
  }
}
