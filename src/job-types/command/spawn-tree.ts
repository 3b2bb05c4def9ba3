import { type ChildProcess, spawn } from 'node:child_process'
import { processGroupRss } from './group-memory.js'
import { withParentDeathSignal } from './parent-death.js'
import { TailBuffer } from './tail-buffer.js'

export const OUTPUT_TAIL_BYTES = 64 * 1024

export interface ProcessSpec {
  /** A string runs through /bin/sh -c; an argv array runs without a shell. */
  command: string | string[]
  cwd: string
  env: NodeJS.ProcessEnv
  signal: AbortSignal
  /** After SIGTERM, how long the process tree gets before SIGKILL. */
  killGraceMs: number
  /** Kill the tree (SIGKILL) when its resident memory goes above this many bytes. */
  memoryLimitBytes?: number
  /** Told the pid of the started process, which leads the tree's process group. */
  onSpawn?(pgid: number): void
}

export interface ProcessResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Set when the process could not be started at all (e.g. the program does not exist). */
  spawnError?: Error
  aborted: boolean
  /** The tree's resident memory when it was killed for going over the limit. */
  memoryExceededBytes?: number
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    // The child leads its own process group (detached), so -pid reaches every process it started.
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      /* already gone */
    }
  }
}

/**
 * Runs a process in its own process group and keeps the tail of its output. When `signal` aborts, the
 * whole group gets SIGTERM, then SIGKILL after the grace period.
 */
const MEMORY_SAMPLE_MS = 250

export function runProcessTree(spec: ProcessSpec): Promise<ProcessResult> {
  const [program, programArgs] =
    typeof spec.command === 'string' ? ['/bin/sh', ['-c', spec.command]] : [spec.command[0], spec.command.slice(1)]
  const [file, args] = withParentDeathSignal(program, programArgs, spec.env, spec.cwd)
  const stdout = new TailBuffer(OUTPUT_TAIL_BYTES)
  const stderr = new TailBuffer(OUTPUT_TAIL_BYTES)
  return new Promise((resolve) => {
    let settled = false
    let aborted = false
    let killTimer: NodeJS.Timeout | undefined
    let memoryExceededBytes: number | undefined
    let memoryTimer: NodeJS.Timeout | undefined
    const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    if (child.pid !== undefined) spec.onSpawn?.(child.pid)
    child.stdout?.on('data', (c: Buffer) => stdout.write(c))
    child.stderr?.on('data', (c: Buffer) => stderr.write(c))
    const onAbort = (): void => {
      aborted = true
      killGroup(child, 'SIGTERM')
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), spec.killGraceMs)
    }
    if (spec.memoryLimitBytes && child.pid !== undefined) {
      const pgid = child.pid
      memoryTimer = setInterval(() => {
        const rss = processGroupRss(pgid)
        if (rss !== null && rss > spec.memoryLimitBytes! && memoryExceededBytes === undefined) {
          memoryExceededBytes = rss
          killGroup(child, 'SIGKILL')
        }
      }, MEMORY_SAMPLE_MS)
    }
    const finish = (result: Omit<ProcessResult, 'stdout' | 'stderr' | 'aborted'>): void => {
      if (settled) return
      settled = true
      clearTimeout(killTimer)
      clearInterval(memoryTimer)
      spec.signal.removeEventListener('abort', onAbort)
      resolve({
        ...result,
        stdout: stdout.text(),
        stderr: stderr.text(),
        aborted,
        ...(memoryExceededBytes !== undefined ? { memoryExceededBytes } : {}),
      })
    }
    child.on('error', (err) => finish({ exitCode: null, signal: null, spawnError: err }))
    child.on('exit', (code, sig) => {
      // Output may still be in the pipes; wait for them to close, but not for background children that
      // keep them open after the main process is gone.
      const done = () => finish({ exitCode: code, signal: sig })
      const flushTimer = setTimeout(() => {
        child.stdout?.destroy()
        child.stderr?.destroy()
        done()
      }, 1000)
      child.on('close', () => {
        clearTimeout(flushTimer)
        done()
      })
    })
    if (spec.signal.aborted) onAbort()
    else spec.signal.addEventListener('abort', onAbort, { once: true })
  })
}
