import { Args, Flags, UserError, printJson, printLine } from 'circadian'
import { MemoryCommand, storeFlags } from '../../cli/memory-command.js'
import { addMemory } from '../../memories/add.js'
import { toNewMemory } from '../../memories/record.js'
import { normalizeTags } from '../../memories/terms.js'
import { plural } from '../../format.js'

export default class MemoryAdd extends MemoryCommand {
  static override summary = 'Add a memory (adding the same text again counts as a rehearsal).'
  static override examples = [
    '<%= config.bin %> memory add "Met Ana about the garden plan" --importance 0.8 --tags garden,ana',
    '<%= config.bin %> memory add "Standup moved to 9:30" --json',
  ]

  static override args = { text: Args.string({ required: true, description: 'What to remember.' }) }
  static override flags = {
    ...storeFlags,
    importance: Flags.string({
      helpValue: '0..1',
      default: '0.5',
      description: 'How much it matters, from 0 to 1 (also its first activation).',
    }),
    tags: Flags.string({ helpValue: 'a,b', description: 'Comma-separated tags.' }),
    source: Flags.string({ default: 'cli', description: 'Where it came from.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MemoryAdd)
    this.jsonMode = flags.json
    const importance = Number(flags.importance)
    if (!/^\s*\d*\.?\d+\s*$/.test(flags.importance) || !(importance >= 0 && importance <= 1)) {
      throw new UserError(`--importance must be a number from 0 to 1 (got "${flags.importance}")`)
    }
    const content = args.text.trim()
    if (!content) throw new UserError('the text of a memory must not be empty')
    const now = Date.now()
    const memory = toNewMemory(
      { content, importance, tags: normalizeTags(flags.tags), source: flags.source },
      now,
      'cli',
    )
    const result = await this.withStore(flags, (store) => addMemory(store.db, memory, now))
    if (flags.json) return printJson(result)
    printLine(
      result.created
        ? `added memory ${result.id}`
        : `rehearsed memory ${result.id}: the same text was already stored (${plural(result.accessCount, 'access', 'accesses')}, activation ${result.activation.toFixed(3)})`,
    )
  }
}
