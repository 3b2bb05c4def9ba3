import type { Config, Hook } from '@oclif/core'
import { forTerminal } from '../cli/render/terminal-text.js'
import { closest } from '../config/suggest.js'

/**
 * An unknown command is bad usage (exit 2, like every other usage mistake), with the closest command as a
 * suggestion whether or not a terminal is attached.
 */
export default async function commandNotFound(
  this: Hook.Context,
  options: { id: string; config: Config },
): Promise<void> {
  const separator = options.config.topicSeparator ?? ' '
  const shown = (id: string) => forTerminal(id.replaceAll(':', separator))
  const ids = [...options.config.commandIDs].filter((id) => !options.config.findCommand(id)?.hidden)
  const guess = closest(options.id, ids) ?? closest(options.id.split(':')[0], ids)
  const hint = guess ? ` Did you mean "${shown(guess)}"?` : ''
  // Rendered like oclif's own usage errors (unknown flag, missing argument), with the same exit code.
  this.error(
    `"${shown(options.id)}" is not a ${options.config.bin} command.${hint} Run \`${options.config.bin} help\` for the list.`,
    { exit: 2 },
  )
}
