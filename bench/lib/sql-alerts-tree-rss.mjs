// Peak resident memory of a process and all its descendants (the CLI and the SQLite query processes it
// starts), sampled from `ps` while it runs. Linux and macOS.
import { execFileSync } from 'node:child_process'

function treeRssKb(rootPid) {
  let out
  try {
    out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
  } catch {
    return 0
  }
  const children = new Map()
  const rss = new Map()
  for (const line of out.trim().split('\n')) {
    const [pid, ppid, kb] = line.trim().split(/\s+/).map(Number)
    rss.set(pid, kb)
    if (!children.has(ppid)) children.set(ppid, [])
    children.get(ppid).push(pid)
  }
  let total = 0
  const stack = [rootPid]
  while (stack.length) {
    const pid = stack.pop()
    total += rss.get(pid) ?? 0
    stack.push(...(children.get(pid) ?? []))
  }
  return total
}

/** Starts sampling; stop() returns the peak in KB. */
export function watchTreeRss(rootPid, everyMs = 100) {
  let peak = 0
  const sample = () => (peak = Math.max(peak, treeRssKb(rootPid)))
  const timer = setInterval(sample, everyMs)
  sample()
  return {
    stop() {
      clearInterval(timer)
      return peak
    },
  }
}
