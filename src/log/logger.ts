import type { Logger, LevelWithSilent } from 'pino'
import { lazyRequire } from '../lazy-require.js'
import { forTerminal } from '../cli/render/terminal-text.js'
import { redact, redactDeep } from '../reliability/redact.js'
import type { JobLogger } from '../run/job-type.js'

export type LogLevel = LevelWithSilent
export const LOG_LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

/**
 * A pino logger whose every message and field is redacted before it is written, so no code path can log a
 * secret by accident. Writes JSON lines to the given file descriptor (stderr by default).
 */
export async function createLogger(
  options: { level?: LogLevel; fd?: number; base?: Record<string, unknown>; pretty?: boolean } = {},
): Promise<Logger> {
  const pino = lazyRequire('pino') as typeof import('pino').default
  // On a terminal, readable lines; anywhere else, JSON lines for the log pipeline.
  const destination = options.pretty
    ? (lazyRequire('pino-pretty') as typeof import('pino-pretty'))({
        colorize: true,
        sync: true,
        destination: options.fd ?? 2,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
      })
    : pino.destination({ fd: options.fd ?? 2, sync: true })
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { pid: process.pid },
      hooks: {
        logMethod(args, method) {
          // Pretty lines go to a terminal: a message from a job must not drive it (JSON lines escape C0 already).
          const text = options.pretty ? (s: string) => forTerminal(redact(s)) : redact
          const clean = args.map((a: unknown) => (typeof a === 'string' ? text(a) : redactDeep(a))) as Parameters<
            typeof method
          >
          method.apply(this, clean)
        },
      },
    },
    destination,
  )
}

/** The logger a job receives as ctx.log: message first, fields second. */
export function toJobLogger(logger: Logger): JobLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, extra?: Record<string, unknown>): void => {
      if (extra) logger[level](extra, msg)
      else logger[level](msg)
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
