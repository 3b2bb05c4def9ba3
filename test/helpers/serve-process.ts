import { type ChildProcess, spawn } from 'node:child_process'
import { BIN, type Sandbox } from './cli.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface ServeProcess {
  child: ChildProcess
  /** Its JSON log lines (stdout). */
  lines: Array<Record<string, unknown>>
  stderr(): string
  waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>
  exited: Promise<number | null>
}

/** `circadian serve` in the sandbox, its log lines parsed as they come. Kill it (or let the sandbox's test do). */
export function startServeProcess(box: Sandbox, args: string[] = [], env: NodeJS.ProcessEnv = {}): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: box.dir,
    env: { ...box.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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
      } catch {}
    }
  })
  const exited = new Promise<number | null>((r) => child.on('close', r))
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
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
