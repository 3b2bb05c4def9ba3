import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { Sandbox } from './cli.js'
import { type ServeProcess, startServeProcess } from './serve-process.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** `circadian serve` in the sandbox (serve-process.ts), its child kept in `children` for the test to clean up. */
export function startServe(box: Sandbox, args: string[] = [], children: ChildProcess[] = []): ServeProcess {
  const serve = startServeProcess(box, args)
  children.push(serve.child)
  return serve
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
