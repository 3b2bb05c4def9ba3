import { Args, Flags, UserError, printJson, printLine, table } from 'circadian'
import { MemoryCommand, storeFlags } from '../../cli/memory-command.js'
import { queryTerms, recall } from '../../queries/recall.js'

export default class MemoryRecall extends MemoryCommand {
  static override summary = 'Find memories by keyword or tag, strongest first (each one found counts as an access).'
  static override description =
    'Matches the words of QUERY against the keywords (words of three or more letters, common words left out) and tags of every memory, and ranks what matches by strength: long-term strength, else short-term strength, else activation. Recalling is an access, as in people: access count +1 and activation lifted, which is how memories enter working memory; --peek looks without touching.'

  static override examples = [
    '<%= config.bin %> memory recall garden',
    '<%= config.bin %> memory recall "budget review" --limit 5 --json',
  ]
  static override args = { query: Args.string({ required: true, description: 'Words to look for.' }) }
  static override flags = {
    ...storeFlags,
    limit: Flags.integer({ char: 'n', default: 10, min: 1, max: 1000, description: 'At most this many memories.' }),
    peek: Flags.boolean({ description: 'Do not count this recall as an access.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MemoryRecall)
    this.jsonMode = flags.json
    if (!args.query.trim()) throw new UserError('the query must not be empty')
    const memories = await this.withStore(flags, (store) =>
      recall(store.db, args.query, flags.limit, Date.now(), flags.peek),
    )
    if (flags.json) return printJson({ query: args.query, terms: queryTerms(args.query), memories })
    if (!memories.length) return printLine(`nothing recalled for "${args.query}"`)
    printLine(
      table(
        ['ID', 'STORE', 'STRENGTH', 'MATCHED', 'CONTENT'],
        memories.map((m) => [String(m.id), m.store, m.strength.toFixed(3), String(m.matched), m.content.slice(0, 80)]),
      ),
    )
  }
}
