import path from 'node:path'
import { z } from 'zod'
import { duration } from '../../config/schema/primitives.js'
import { redactThenTruncate } from '../../reliability/redact.js'
import { defineJobType, JobError } from '../../run/job-type.js'
import { runProcessTree } from './spawn-tree.js'

export const commandOptions = z.object({
  /** A string runs through /bin/sh -c; an argv array (['node', 'x.js']) runs without a shell. */
  command: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  /** Working directory, relative to the config file's directory (the default). */
  cwd: z.string().optional(),
  /** Extra environment variables, on top of the environment circadian runs in. */
  env: z.record(z.string(), z.string()).optional(),
  /** Exit codes that mean "the check found a problem" rather than "the job broke" (status alert). */
  alertExitCodes: z.array(z.number().int().min(1).max(255)).optional(),
  /** Exit codes that mean "retrying cannot help" (e.g. 64, bad usage): the run fails at once with reason permanent. */
  permanentExitCodes: z.array(z.number().int().min(1).max(255)).optional(),
  /** After a timeout's SIGTERM, how long the process tree gets before SIGKILL. */
  killGrace: duration.default(10_000),
  /** Kill the process tree when its resident memory goes above this (the run fails with reason memory-limit). */
  limits: z.strictObject({ memoryMb: z.number().positive() }).optional(),
})

export type CommandOptions = z.infer<typeof commandOptions>

function lastLine(text: string): string | undefined {
  const line = text.trimEnd().split('\n').pop()?.trim()
  return line ? redactThenTruncate(line, 200) : undefined
}

/** The core's own job type: run a program. */
export const commandJobType = defineJobType({
  type: 'command',
  description: 'Runs a program or shell command; a non-zero exit code fails the attempt.',
  options: commandOptions,
  stopGrace: (opts) => opts.killGrace + 2000,
  async run(ctx, opts) {
    const started = Date.now()
    const result = await runProcessTree({
      command: opts.command,
      cwd: path.resolve(ctx.configDir, opts.cwd ?? '.'),
      env: {
        ...process.env,
        ...opts.env,
        CIRCADIAN_JOB: ctx.run.job,
        CIRCADIAN_RUN_ID: ctx.run.id,
        CIRCADIAN_ATTEMPT: String(ctx.run.attempt),
        CIRCADIAN_TRIGGER: ctx.run.trigger,
        ...(ctx.run.scheduledFor ? { CIRCADIAN_SCHEDULED_FOR: ctx.run.scheduledFor.toISOString() } : {}),
      },
      signal: ctx.signal,
      killGraceMs: opts.killGrace,
      memoryLimitBytes: opts.limits ? opts.limits.memoryMb * 1024 * 1024 : undefined,
      onSpawn: (pgid) => ctx.processStarted?.(pgid),
    })
    const output = { stdout: result.stdout, stderr: result.stderr }
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    if (result.spawnError) {
      const program = Array.isArray(opts.command) ? opts.command[0] : '/bin/sh'
      const code = (result.spawnError as NodeJS.ErrnoException).code
      const message =
        code === 'ENOENT' ? `command not found: ${program}` : `could not start ${program}: ${result.spawnError.message}`
      throw new JobError(message, { output, reason: 'spawn-failed' })
    }
    if (result.memoryExceededBytes !== undefined) {
      const used = Math.round(result.memoryExceededBytes / 1024 / 1024)
      throw new JobError(`killed: the process tree used ${used} MB, above its ${opts.limits!.memoryMb} MB limit`, {
        output,
        reason: 'memory-limit',
        data: { rssMb: used },
      })
    }
    if (result.aborted)
      throw new JobError(`process stopped (${result.signal ?? `exit code ${result.exitCode}`})`, {
        output,
        reason: 'aborted',
      })
    if (result.signal)
      throw new JobError(`process was killed by ${result.signal}`, {
        output,
        reason: 'signal',
        data: { signal: result.signal },
      })
    if (result.exitCode !== 0) {
      if (opts.alertExitCodes?.includes(result.exitCode!)) {
        return {
          status: 'alert',
          summary: lastLine(result.stdout) ?? `exit code ${result.exitCode}`,
          output,
          data: { exitCode: result.exitCode },
        }
      }
      const detail = lastLine(result.stderr) ?? lastLine(result.stdout)
      const retryable = !opts.permanentExitCodes?.includes(result.exitCode!)
      throw new JobError(`exit code ${result.exitCode}${detail ? `: ${detail}` : ''}`, {
        output,
        reason: 'exit-code',
        data: { exitCode: result.exitCode },
        retryable,
      })
    }
    return {
      status: 'ok',
      summary: lastLine(result.stdout) ?? `exit code 0 in ${seconds}s`,
      output,
      data: { exitCode: 0 },
    }
  },
})
