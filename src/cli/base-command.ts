import { Command, Flags } from '@oclif/core'
import { ConfigError } from '../config/errors.js'
import { UserError } from '../errors.js'
import type { ValidatedConfig } from '../config/model.js'
import { EXIT } from '../run/outcome.js'
import { StoreError } from '../state/connect.js'
import type { StoreAccess } from '../config/store-access.js'
import { loadStoreAccess, loadValidatedConfig } from './load-config.js'
import { printError, printJson } from './output.js'
import { forTerminal } from './render/terminal-text.js'

export { UsageError } from '../errors.js'

/** Read by bin/run.js once the command has returned. */
const EXIT_WHEN_DONE = Symbol.for('circadian.exit-when-done')

export const configFlag = Flags.string({
  char: 'c',
  helpValue: 'PATH',
  description:
    'Config file to use (default: circadian.config.* found from the current directory upward, or $CIRCADIAN_CONFIG).',
})

export const jsonFlag = Flags.boolean({ description: 'Print JSON instead of text (nothing else goes to stdout).' })

function exitCodeFor(err: unknown): number {
  if (err instanceof UserError) return EXIT.usage
  return EXIT.failed
}

/**
 * What every circadian command shares: loading the config, and turning errors a user can cause into one
 * clear message (or a JSON error object) with the right exit code, never a stack trace.
 */
export abstract class BaseCommand extends Command {
  /**
   * A command that only reads and prints (validate, list, next, history) has nothing left to run when it is
   * done: bin/run.js then exits at once instead of waiting for V8's background compiler jobs to drain (~15 ms
   * of a ~200 ms validate). Commands that start work which may outlive run() (run, serve) leave it false.
   */
  static exitWhenDone = false

  protected jsonMode = false

  protected override async finally(err: Error | undefined): Promise<unknown> {
    if ((this.constructor as typeof BaseCommand).exitWhenDone)
      (globalThis as Record<symbol, unknown>)[EXIT_WHEN_DONE] = true
    return super.finally(err)
  }

  protected async loadConfig(configPath: string | undefined): Promise<ValidatedConfig> {
    const config = await loadValidatedConfig(this.config, { cwd: process.cwd(), configPath })
    for (const warning of config.warnings) printError(`warning: ${warning}`)
    return config
  }

  /** For commands that work from the store alone (status, pause, resume, trigger, history): see StoreAccess. */
  protected async loadStoreAccess(configPath: string | undefined): Promise<StoreAccess> {
    const access = await loadStoreAccess(this.config, { cwd: process.cwd(), configPath })
    for (const warning of [...(access.config?.warnings ?? []), ...(access.warning ? [access.warning] : [])])
      printError(`warning: ${warning}`)
    return access
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    // oclif's own errors (unknown flags, missing arguments, this.exit) already carry their exit code. They
    // echo what was typed (a flag's value): it reaches the terminal with its control characters made visible.
    if (err.oclif?.exit !== undefined && !(err instanceof UserError)) {
      err.message = forTerminal(err.message)
      return super.catch(err)
    }
    const json = this.jsonMode || this.argv.includes('--json')
    const exit = exitCodeFor(err)
    const known = err instanceof UserError || err instanceof StoreError
    if (json) {
      const body: Record<string, unknown> = { message: err.message, exitCode: exit }
      if (err instanceof ConfigError) body.errors = err.issues
      printJson({ error: body })
    } else if (known) {
      printError(err.message)
    } else {
      printError(`Unexpected error: ${err.message}`)
      if (process.env.CIRCADIAN_DEBUG) printError(err.stack ?? '')
      else printError('(set CIRCADIAN_DEBUG=1 to see the stack trace)')
    }
    return this.exit(exit)
  }
}
