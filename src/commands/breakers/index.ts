import { BaseCommand, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine, table } from '../../cli/output.js'
import { listBreakers } from '../../cli/reliability-views.js'
import { utcFlag, zonesOf } from '../../cli/render/times.js'

export default class Breakers extends BaseCommand {
  static override summary = 'Show the circuit breakers: state, failures, when an open one lets a trial through.'
  static override examples = ['<%= config.bin %> breakers', '<%= config.bin %> breakers --json']
  static override flags = { config: configFlag, json: jsonFlag, utc: utcFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(Breakers)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const breakers = await listBreakers(config)
    if (flags.json) return printJson({ breakers })
    if (!breakers.length)
      return printLine(
        'No breakers: configure them under `resources` (e.g. resources: { "db:warehouse": { breaker: { failures: 5, halfOpenAfter: "60s" } } }).',
      )
    const time = zonesOf(config, flags.utc)
    printLine(
      table(
        ['RESOURCE', 'STATE', 'FAILURES', 'OPENED', 'TRIAL FROM'],
        breakers.map((b) => [
          b.name,
          b.state,
          `${b.failures}/${b.threshold || '-'}`,
          time.at(b.openedAt),
          time.at(b.halfOpenAt),
        ]),
      ),
    )
  }
}
