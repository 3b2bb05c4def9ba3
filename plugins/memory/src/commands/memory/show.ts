import { Args, UserError, printJson, printLine } from 'circadian'
import { MemoryCommand, storeFlags } from '../../cli/memory-command.js'
import { type MemoryDetails, showMemory } from '../../queries/show.js'
import { plural } from '../../format.js'

function render(m: MemoryDetails): string {
  const lines = [
    `memory ${m.id}: ${m.content}`,
    `  source ${m.source}; created ${m.createdAt}; last accessed ${m.lastAccessedAt} (${plural(m.accessCount, 'access', 'accesses')})`,
    `  importance ${m.importance}; activation ${m.activation.toFixed(3)}`,
    `  tags: ${m.tags.join(', ') || '-'}; keywords: ${m.keywords.join(', ') || '-'}`,
    `  working memory: ${m.working ? `slot ${m.working.rank} since ${m.working.enteredAt}` : 'no'}`,
    `  short-term memory: ${m.shortTerm ? `strength ${m.shortTerm.strength.toFixed(3)} (score ${m.shortTerm.score.toFixed(3)}, ${m.shortTerm.replays} replays, last fate ${m.shortTerm.lastFate ?? '-'})` : 'no'}`,
    `  long-term memory: ${m.longTerm ? `strength ${m.longTerm.strength.toFixed(3)} since ${m.longTerm.consolidatedAt}` : 'no'}`,
  ]
  if (m.links.length) {
    lines.push('  links:')
    for (const l of m.links)
      lines.push(`    ${l.strength.toFixed(3)} → ${l.id}${l.label ? ` [${l.label}]` : ''}: ${l.content.slice(0, 70)}`)
  } else {
    lines.push('  links: none')
  }
  return lines.join('\n')
}

export default class MemoryShow extends MemoryCommand {
  static override summary = 'Show one memory: its fields, where it is in the pipeline, its strongest links.'
  static override examples = ['<%= config.bin %> memory show 12', '<%= config.bin %> memory show 12 --json']
  static override args = {
    id: Args.string({ required: true, description: 'The memory id (from add, import or recall).' }),
  }
  static override flags = { ...storeFlags }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MemoryShow)
    this.jsonMode = flags.json
    if (!/^\d+$/.test(args.id)) throw new UserError(`the memory id must be a positive whole number (got "${args.id}")`)
    const id = Number(args.id)
    const memory = await this.withStore(flags, (store) => showMemory(store.db, id))
    if (!memory) throw new UserError(`no memory with id ${id}`)
    if (flags.json) return printJson(memory)
    printLine(render(memory))
  }
}
