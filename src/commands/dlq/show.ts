import { BaseCommand, UsageError, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine } from '../../cli/output.js'
import { letterIdArg, parseLetterId } from '../../cli/letter-id.js'
import { letterView } from '../../cli/reliability-views.js'
import { utcFlag, zonesOf } from '../../cli/render/times.js'
import { redactDeep } from '../../reliability/redact.js'
import { openStore } from '../../state/store.js'

export default class DlqShow extends BaseCommand {
  static override summary =
    'Show one dead letter: the job, its options when it failed (redacted), the error, attempts, times.'
  static override examples = ['<%= config.bin %> dlq show 12']
  static override args = { id: letterIdArg }
  static override flags = { config: configFlag, json: jsonFlag, utc: utcFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DlqShow)
    this.jsonMode = flags.json
    const id = parseLetterId(args.id)
    const config = await this.loadConfig(flags.config)
    const store = await openStore(config.state)
    try {
      const letter = await store.deadLetters.get(id)
      if (!letter) throw new UsageError(`No dead letter ${id} (see circadian dlq list)`)
      const view = letterView(letter)
      if (flags.json) return printJson(view)
      const time = zonesOf(config, flags.utc)
      printLine(`dead letter ${view.id}: ${view.job} (${view.type}), run ${view.runId}`)
      printLine(
        `failed at ${time.forJob(view.job, view.failedAt)} after ${view.attempts} attempt(s)${view.scheduledFor ? `; scheduled for ${time.forJob(view.job, view.scheduledFor)}` : ''}`,
      )
      printLine(`error: ${view.error ?? '-'}`)
      printLine(
        `replays: ${view.replays}${view.resolvedAt ? `; resolved at ${time.forJob(view.job, view.resolvedAt)} by run ${view.resolvedByRun}` : '; unresolved'}`,
      )
      // Redacted as data, then encoded: redacting the JSON text could cut a value's escaped quote in half.
      printLine(`options: ${JSON.stringify(redactDeep(view.options), null, 2)}`)
    } finally {
      await store.close()
    }
  }
}
