import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { BIN, type Sandbox } from './cli.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A real `circadian serve` child process, its JSON log lines collected. */
export interface ServeProcess {
  child: ChildProcess
  lines: Array<Record<string, unknown>>
  waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>
  exited: Promise<number | null>
}

export function startServe(box: Sandbox, args: string[] = [], children: ChildProcess[] = []): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: box.dir,
    env: box.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const lines: Array<Record<string, unknown>> = []
  let buffer = ''
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  child.stdout!.on('data', (chunk) => {
    buffer += chunk
    let i
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i)
      buffer = buffer.slice(i + 1)
      try {
        lines.push(JSON.parse(line))
      } catch {
        /* not a log line */
      }
    }
  })
  const exited = new Promise<number | null>((r) => child.on('close', r))
  return {
    child,
    lines,
    exited,
    async waitFor(predicate, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const hit = lines.find(predicate)
        if (hit) return hit
        await sleep(50)
      }
      const status = child.exitCode === null ? 'still running' : `exited with ${child.exitCode}`
      throw new Error(
        `serve never logged the expected line (${status}); got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${stderr}`,
      )
    },
  }
}

export const serving = (l: Record<string, unknown>) => typeof l.msg === 'string' && l.msg.startsWith('serving')

/** Whether a process exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** /proc/PID/stat field 22: the process's start time in clock ticks since boot. */
export function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19])
}

export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
