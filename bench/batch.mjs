// bench/batch: the batch pipeline on 1,000,000 listings and 10,000 users.
// Anchor, measured in the same run: the sqlite3 CLI's `.import` of the same listings file into SQLite (a plain
// table, no checks). Goal (issue 9): batch-import ≥ 0.5x its rows/s, with validation and upsert. Also: the
// csv-parse ceiling (csv-parse alone on the file), the import's own CSV reader alone, the write ceiling
// (better-sqlite3 writing the rows the import stored, nothing else), score and match times, and peak RSS at
// 100k vs 1M rows (streaming: memory must not grow with the file).
//   node bench/batch.mjs            (BENCH_LISTINGS / BENCH_USERS to change the sizes, BENCH_ROUNDS the rounds)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeActivity, writeApplications, writeListings, writeUsers } from './lib/batch-generate.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = path.join(ROOT, 'bin', 'run.js')
const SQLITE = '/usr/bin/sqlite3'
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 1_000_000)
const SMALL = Math.round(LISTINGS / 10)
const USERS = Number(process.env.BENCH_USERS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-batch-'))
const file = (name) => path.join(dir, name)

/** Runs a command under /usr/bin/time: wall seconds, peak RSS (MB) and stdout. */
function measured(cmd, args) {
  // Earlier steps' files (the generated feeds, the anchor's databases) are flushed first, so the kernel's
  // background writeback of them does not land in this step's writes and commit.
  spawnSync('sync')
  const r = spawnSync('/usr/bin/time', ['-f', '__time__ %e %M', cmd, ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  const line = r.stderr.split('\n').find((l) => l.startsWith('__time__'))
  if (r.status !== 0 || !line)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout.slice(0, 2000)}`)
  const [, wall, rssKb] = line.split(' ')
  return { wall: Number(wall), rssMb: Number(rssKb) / 1024, stdout: r.stdout }
}

function circadian(job) {
  const m = measured(process.execPath, [BIN, 'run', job, '--json'])
  const run = JSON.parse(m.stdout).runs[0]
  if (run.status !== 'succeeded' && run.status !== 'skipped') throw new Error(`${job} ${run.status}: ${run.error}`)
  return { ...m, run }
}

const n = (x) => Math.round(x).toLocaleString('en-US')
const s = (x) => `${x.toFixed(1)} s`
// Printed as measured, so a long run shows its figures as it goes.
const WIDTHS = [52, 10, 8, 9, 9, 19]
const add = (...cells) =>
  console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(WIDTHS[i]) : String(c).padStart(WIDTHS[i]))).join('  '))

try {
  console.log(`generating ${n(LISTINGS)} listings, ${n(USERS)} users in ${dir} …`)
  await writeListings(file('listings-small.csv'), SMALL)
  await writeListings(file('listings.csv'), LISTINGS)
  await writeUsers(file('users.csv'), USERS)
  await writeApplications(file('applications.csv'), USERS, LISTINGS, USERS * 2)
  await writeActivity(file('activity.csv'), USERS, LISTINGS, USERS * 20)
  const mb = statSync(file('listings.csv')).size / 2 ** 20
  console.log(
    `listings.csv: ${mb.toFixed(0)} MiB (${(statSync(file('listings.csv')).size / LISTINGS).toFixed(0)} bytes a row)\n`,
  )
  add('', 'rows', 'time', 'rows/s', 'peak RSS', 'vs sqlite3 .import')

  writeFileSync(
    file('circadian.config.mjs'),
    `export default {
  connections: {
    small: { client: 'sqlite', filename: 'small.db' },
    board: { client: 'sqlite', filename: 'board.db' },
  },
  jobs: {
    import_small: { type: 'batch-import', connection: 'small', path: 'listings-small.csv' },
    import_listings: { type: 'batch-import', connection: 'board', path: 'listings.csv', mode: 'full' },
    import_users: { type: 'batch-import', connection: 'board', kind: 'users', path: 'users.csv' },
    import_applications: { type: 'batch-import', connection: 'board', kind: 'applications', path: 'applications.csv' },
    import_activity: { type: 'batch-import', connection: 'board', kind: 'activity', path: 'activity.csv' },
    score: { type: 'batch-score', connection: 'board' },
    match: { type: 'batch-match', connection: 'board' },
  },
}\n`,
  )

  // The anchor (sqlite3's own CSV import of the same file into a fresh table) and the 1,000,000-row import
  // (into a fresh database) alternate, ROUNDS times: the machine's speed drifts over minutes, and it moves C
  // and JavaScript differently, so each import is set against the anchor measured just before it. The round
  // with the median ratio is reported.
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of ['anchor.db', 'board.db', 'board.db-journal', 'board.db-wal', 'board.db-shm'])
      rmSync(file(name), { force: true })
    const anchor = measured(SQLITE, [file('anchor.db'), '.import --csv listings.csv listings'])
    const big = circadian('import_listings')
    rounds.push({ anchor, big, ratio: big.run.data.rowsPerSecond / (LISTINGS / anchor.wall) })
  }
  const { anchor, big } = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]
  const anchorRate = LISTINGS / anchor.wall
  add('sqlite3 .import (anchor)', n(LISTINGS), s(anchor.wall), n(anchorRate), `${anchor.rssMb.toFixed(0)} MB`, '1.00x')
  // For reference: into a table with a UNIQUE external_id, as batch-import keeps one.
  const columns =
    'external_id text unique, title, company_name, location, employment_type, salary_min, salary_max, description, fee, posted_at, latitude, longitude, editorial_pick, keywords'
  const indexed = measured(SQLITE, [
    file('anchor-indexed.db'),
    `create table listings (${columns});`,
    '.import --csv --skip 1 listings.csv listings',
  ])
  add(
    'sqlite3 .import, unique id (reference)',
    n(LISTINGS),
    s(indexed.wall),
    n(LISTINGS / indexed.wall),
    `${indexed.rssMb.toFixed(0)} MB`,
    `${(LISTINGS / indexed.wall / anchorRate).toFixed(2)}x`,
  )
  const ceiling = measured(process.execPath, [path.join(ROOT, 'bench/lib/batch-csv-parse-only.mjs'), 'listings.csv'])
  const parsed = JSON.parse(ceiling.stdout)
  add(
    'csv-parse alone (ceiling)',
    n(parsed.rows),
    s(parsed.seconds),
    n(parsed.rows / parsed.seconds),
    `${ceiling.rssMb.toFixed(0)} MB`,
    `${(parsed.rows / parsed.seconds / anchorRate).toFixed(2)}x`,
  )
  const reader = measured(process.execPath, [path.join(ROOT, 'bench/lib/batch-parser-only.mjs'), 'listings.csv'])
  const read = JSON.parse(reader.stdout)
  add(
    'batch-import CSV reader alone (ceiling)',
    n(read.rows),
    s(read.seconds),
    n(read.rows / read.seconds),
    `${reader.rssMb.toFixed(0)} MB`,
    `${(read.rows / read.seconds / anchorRate).toFixed(2)}x`,
  )

  const small = circadian('import_small')
  add(
    `batch-import ${n(SMALL)} (new)`,
    n(small.run.data.rows),
    s(small.run.data.seconds),
    n(small.run.data.rowsPerSecond),
    `${small.rssMb.toFixed(0)} MB`,
    `${(small.run.data.rowsPerSecond / anchorRate).toFixed(2)}x`,
  )
  add(
    `batch-import ${n(LISTINGS)} (new)`,
    n(big.run.data.rows),
    s(big.run.data.seconds),
    n(big.run.data.rowsPerSecond),
    `${big.rssMb.toFixed(0)} MB`,
    `${(big.run.data.rowsPerSecond / anchorRate).toFixed(2)}x`,
  )
  add(
    `  the same, whole CLI process`,
    n(big.run.data.rows),
    s(big.wall),
    n(LISTINGS / big.wall),
    '',
    `${(LISTINGS / big.wall / anchorRate).toFixed(2)}x`,
  )
  // What the writes alone cost: the rows batch-import stored, inserted again by better-sqlite3 with no CSV and no checks.
  const writesRun = measured(process.execPath, [
    path.join(ROOT, 'bench/lib/batch-write-ceiling.mjs'),
    file('board.db'),
    file('writes.db'),
  ])
  const writes = JSON.parse(writesRun.stdout)
  add(
    'better-sqlite3 writes of the stored rows (ceiling)',
    n(writes.rows),
    s(writes.seconds),
    n(writes.rows / writes.seconds),
    '',
    `${(writes.rows / writes.seconds / anchorRate).toFixed(2)}x`,
  )
  const again = circadian('import_listings')
  add(
    `batch-import ${n(LISTINGS)} (re-import: upserts)`,
    n(again.run.data.rows),
    s(again.run.data.seconds),
    n(again.run.data.rowsPerSecond),
    `${again.rssMb.toFixed(0)} MB`,
    `${(again.run.data.rowsPerSecond / anchorRate).toFixed(2)}x`,
  )
  for (const job of ['import_users', 'import_applications', 'import_activity']) {
    const r = circadian(job)
    add(job, n(r.run.data.rows), s(r.run.data.seconds), n(r.run.data.rowsPerSecond), `${r.rssMb.toFixed(0)} MB`, '')
  }
  const score = circadian('score')
  add(
    `batch-score (full: ${n(score.run.data.listingsScored)} listings, ${n(score.run.data.pairsWritten)} pairs)`,
    '',
    s(score.wall),
    '',
    `${score.rssMb.toFixed(0)} MB`,
    '',
  )
  const idle = circadian('score')
  add('batch-score again (nothing changed)', '', s(idle.wall), '', `${idle.rssMb.toFixed(0)} MB`, '')
  const match = circadian('match')
  add(
    `batch-match (${n(match.run.data.users)} users, ${n(match.run.data.rows)} rows)`,
    '',
    s(match.wall),
    '',
    `${match.rssMb.toFixed(0)} MB`,
    '',
  )

  const ratio = big.run.data.rowsPerSecond / anchorRate
  console.log(
    `\nimport vs sqlite3 .import: ${ratio.toFixed(2)}x (goal ≥ 0.50x) — ${ratio >= 0.5 ? 'met' : 'NOT met'}; rounds (anchor / import): ${rounds.map((r) => `${s(r.anchor.wall)} / ${s(r.big.run.data.seconds)} = ${r.ratio.toFixed(2)}x`).join(', ')}`,
  )
  console.log(
    `csv-parse alone reaches ${(parsed.rows / parsed.seconds / anchorRate).toFixed(2)}x, the import's CSV reader alone ${(read.rows / read.seconds / anchorRate).toFixed(2)}x`,
  )
  console.log(
    `writing the stored rows alone reaches ${(writes.rows / writes.seconds / anchorRate).toFixed(2)}x (the stored row has 26 columns against the anchor's 14 raw text columns)`,
  )
  console.log(
    `peak RSS: ${small.rssMb.toFixed(0)} MB at ${n(SMALL)} rows, ${big.rssMb.toFixed(0)} MB at ${n(LISTINGS)} rows (${(big.rssMb / small.rssMb).toFixed(2)}x for ${(LISTINGS / SMALL).toFixed(0)}x the rows)`,
  )
  console.log(
    `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
