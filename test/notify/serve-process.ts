import { type ChildProcess, spawn } from 'node:child_process'
import { BIN } from '../helpers/cli.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A `circadian serve` child process with its JSON log lines. */
export function startServe(cwd: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Array<Record<string, unknown>> = []
  let buffer = ''
  let stderr = ''
  child.stderr!.on('data', (c) => (stderr += c))
  child.stdout!.on('data', (chunk) => {
    buffer += chunk
    let i
    while ((i = buffer.indexOf('\n')) >= 0) {
      try {
        lines.push(JSON.parse(buffer.slice(0, i)))
      } catch {}
      buffer = buffer.slice(i + 1)
    }
  })
  const exited = new Promise<number | null>((r) => child.on('close', r))
  return {
    child,
    lines,
    exited,
    async waitFor(predicate: (l: Record<string, unknown>) => boolean, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const hit = lines.find(predicate)
        if (hit) return hit
        await sleep(50)
      }
      throw new Error(
        `serve never logged the expected line; got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${stderr}`,
      )
    },
    serving() {
      return this.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('serving'))
    },
  }
}

export async function until<T>(
  get: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await get()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}
