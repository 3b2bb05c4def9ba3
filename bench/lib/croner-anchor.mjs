// The anchor of the scheduler benchmarks: croner alone, one Cron per job, nothing recorded, in a process of
// its own. Lateness is the callback's start minus the scheduled instant.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'

const SCRIPT = (cronerPath) => `const { Cron } = require(${JSON.stringify(cronerPath)})
const [jobs, periodMs, count] = process.argv.slice(2).map(Number), pattern = process.argv[5]
const late = [], lastBy = new Map()
let first = Infinity, last = -Infinity
const fire = () => {
  const now = Date.now(), at = Math.floor(now / periodMs) * periodMs
  if (at < first || at > last) return
  late.push(now - at)
  lastBy.set(at, Math.max(lastBy.get(at) ?? 0, now - at))
}
for (let i = 0; i < jobs; i++) new Cron(pattern, fire)
// The window starts after every Cron exists (50,000 of them take a while to make).
first = Math.ceil((Date.now() + 2000) / periodMs) * periodMs
last = first + (count - 1) * periodMs
setTimeout(() => {
  late.sort((a, b) => a - b)
  const p = (q) => late[Math.min(late.length - 1, Math.floor(q / 100 * late.length))]
  console.log(JSON.stringify({ fired: late.length, p50: p(50), p99: p(99), max: late[late.length - 1], lastInvoked: [...lastBy.values()] }))
  process.exit(0)
}, last - Date.now() + Math.min(periodMs, 30000))
`

/** `jobs` Crons on `pattern` (a fire every `periodMs`), measured over `count` periods. */
export function cronerAnchor({ jobs, pattern, periodMs, count }, { root, work, nodeFlags = [] }) {
  const script = path.join(work, 'croner-anchor.cjs')
  writeFileSync(script, SCRIPT(path.join(root, 'node_modules', 'croner', 'dist', 'croner.cjs')))
  // One Cron per job costs ~80 KB: 50,000 of them need a larger heap than node's default.
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=16384', ...nodeFlags, script, String(jobs), String(periodMs), String(count), pattern],
    { encoding: 'utf8', timeout: count * periodMs + 600_000 },
  )
  if (r.status !== 0)
    throw new Error(
      `the croner anchor failed (exit ${r.status}, ${r.signal ?? 'no signal'}): ${r.stderr.split('\n').slice(0, 3).join(' ')}`,
    )
  const res = JSON.parse(r.stdout)
  return { ...res, expected: jobs * count, missing: jobs * count - res.fired }
}
