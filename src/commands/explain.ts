import { Args, Flags } from '@oclif/core'
import { BaseCommand, UsageError, configFlag, jsonFlag } from '../cli/base-command.js'
import { printJson, printLine } from '../cli/output.js'
import { explainAt, explainNextFires, explainRun, jobOf, parseAt } from '../explain/explain.js'
import { renderExplanation } from '../explain/render.js'
import type { Explanation } from '../explain/step.js'
import { openStore } from '../state/store.js'

export default class Explain extends BaseCommand {
  static override exitWhenDone = true
  static override summary =
    'Explain why a job fired, or did not, at a time; where its next fires are; or how a run went.'
  static override description =
    'Walks the decision the scheduler makes, with its own code: the cron fields, the DST rule, between/days/calendar filters and holidays, jitter; then what the store recorded (runs, missed occurrences and the catch-up decision, pauses, open circuits, failed upstream jobs, overlap, instance downtime). --at takes what `next --from` takes.'

  static override examples = [
    '<%= config.bin %> explain nightly_import --at 2026-03-29T02:30',
    '<%= config.bin %> explain nightly_import --at 2026-03-29T00:30:00Z --json',
    '<%= config.bin %> explain nightly_import --next --count 3',
    '<%= config.bin %> explain --run 01JQ8Z6Y2V0000000000000000',
  ]

  static override args = { job: Args.string({ description: 'The job.' }) }
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    at: Flags.string({
      helpValue: 'TIME',
      description: "The time to explain: ISO with an offset, or a wall time in the job's zone.",
      exclusive: ['next', 'run'],
    }),
    next: Flags.boolean({ description: 'Explain the next fires (from now).', exclusive: ['at', 'run'] }),
    count: Flags.integer({ char: 'n', default: 5, min: 1, max: 100, description: 'How many fires with --next.' }),
    run: Flags.string({ helpValue: 'RUN_ID', description: 'Explain one recorded run.', exclusive: ['at', 'next'] }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Explain)
    this.jsonMode = flags.json
    if (!flags.run && !args.job)
      throw new UsageError('name a job (explain JOB --at TIME | --next), or give --run RUN_ID')
    if (!flags.run && !flags.at && !flags.next)
      throw new UsageError('say what to explain: --at TIME, --next or --run RUN_ID')
    const config = await this.loadConfig(flags.config)
    let explanation: Explanation
    if (flags.next) {
      explanation = explainNextFires(config, args.job!, Date.now(), flags.count)
    } else {
      // Checked before the store is opened: a bad job or time is a usage error (2) even with no store.
      if (flags.at) parseAt(flags.at, jobOf(config, args.job!))
      const store = await openStore(config.state)
      try {
        explanation = flags.run
          ? await explainRun(config, store, flags.run, Date.now())
          : await explainAt(config, store, args.job!, flags.at!, Date.now())
      } finally {
        await store.close()
      }
    }
    if (flags.json) return printJson(explanation)
    for (const line of renderExplanation(explanation)) printLine(line)
  }
}
