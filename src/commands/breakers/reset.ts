import { Args } from '@oclif/core'
import { BaseCommand, UsageError, configFlag, jsonFlag } from '../../cli/base-command.js'
import { printJson, printLine } from '../../cli/output.js'
import { didYouMean } from '../../config/suggest.js'
import { openStore } from '../../state/store.js'

export default class BreakersReset extends BaseCommand {
  static override summary = 'Close a circuit breaker by hand (the resource is healthy again).'
  static override examples = ['<%= config.bin %> breakers reset db:warehouse']
  static override args = { name: Args.string({ required: true, description: 'The resource, e.g. db:warehouse.' }) }
  static override flags = { config: configFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BreakersReset)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const store = await openStore(config.state)
    try {
      const at = new Date().toISOString()
      // A configured breaker that never failed has no row yet: it is closed already, and resetting it is fine.
      if (config.resources[args.name]?.breaker) await store.breakers.ensure(args.name, at)
      if (!(await store.breakers.reset(args.name, at))) {
        const known = [
          ...new Set([
            ...Object.keys(config.resources).filter((r) => config.resources[r].breaker),
            ...(await store.breakers.all()).map((b) => b.name),
          ]),
        ]
        throw new UsageError(`No breaker "${args.name}"${didYouMean(args.name, known)} (see circadian breakers)`)
      }
    } finally {
      await store.close()
    }
    if (flags.json) return printJson({ name: args.name, state: 'closed' })
    printLine(`${args.name}: closed`)
  }
}
