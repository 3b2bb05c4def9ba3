import { printJson, printLine, table } from 'circadian'
import { MemoryCommand, storeFlags } from '../../cli/memory-command.js'
import { type MemoryStats, memoryStats } from '../../queries/stats.js'

const fixed = (n: number | null) => (n === null ? '-' : n.toFixed(3))

function render(stats: MemoryStats, connection: string): string {
  const s = stats.stores
  const rows = [
    ['raw memories', String(s.raw.count), fixed(s.raw.meanActivation), '-'],
    ['working memory', String(s.working.count), fixed(s.working.meanActivation), '-'],
    [
      'short-term memory',
      String(s.shortTerm.count),
      fixed(s.shortTerm.meanActivation),
      fixed(s.shortTerm.meanStrength),
    ],
    ['long-term memory', String(s.longTerm.count), fixed(s.longTerm.meanActivation), fixed(s.longTerm.meanStrength)],
    ['associations', String(stats.links.count), '-', fixed(stats.links.meanStrength)],
  ]
  const c = stats.llmCache
  const llm =
    c.hitRate === null
      ? 'LLM cache: no lookups yet'
      : `LLM cache: ${c.entries} answers, hit rate ${(c.hitRate * 100).toFixed(1)}% (${c.hits} hits, ${c.misses} misses)`
  const last = Object.entries(stats.lastSucceeded)
    .map(([stage, at]) => `${stage} ${at ? at.replace('T', ' ').slice(0, 19) : 'never'}`)
    .join(', ')
  return [
    `store: connection "${connection}"`,
    table(['STORE', 'COUNT', 'MEAN ACTIVATION', 'MEAN STRENGTH'], rows),
    llm,
    `last succeeded (UTC): ${last}`,
  ].join('\n')
}

export default class MemoryStatsCommand extends MemoryCommand {
  static override summary = 'Counts and mean activation per store, link strength and the LLM cache hit rate.'
  static override examples = ['<%= config.bin %> memory stats', '<%= config.bin %> memory stats --json']
  static override flags = { ...storeFlags }

  async run(): Promise<void> {
    const { flags } = await this.parse(MemoryStatsCommand)
    this.jsonMode = flags.json
    const { stats, connection } = await this.withStore(flags, async (store) => ({
      stats: await memoryStats(store.db),
      connection: store.connection,
    }))
    if (flags.json) return printJson({ connection, ...stats })
    printLine(render(stats, connection))
  }
}
