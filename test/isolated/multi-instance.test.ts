import { type ChildProcess, execSync, spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import knex from 'knex'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BIN, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { type DatabaseKind, type TestDatabase, createTestDatabase } from '../helpers/databases.js'
import { linkNoopPlugin } from '../helpers/noop-plugin.js'
import { waitFor } from '../helpers/servers.js'

let box: Sandbox
let db: TestDatabase | undefined
const children = new Set<ChildProcess>()
beforeEach(() => {
  box = sandbox()
})
afterEach(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  children.clear()
  await db?.drop().catch(() => {})
  db = undefined
  box.cleanup()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function startServe(id: string): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'serve', '--instance-id', id, '--log-level', 'warn'], {
    cwd: box.dir,
    env: box.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  children.add(child)
  child.on('close', () => children.delete(child))
  return child
}

async function killHard(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL')
  await new Promise((r) => (child.exitCode !== null ? r(null) : child.on('close', r)))
}

/**
 * Three instances, `jobs` jobs firing every second, for `seconds`; every 10 s one instance is killed with
 * SIGKILL and restarted. Every occurrence in the window must have exactly one row, and none may be missing
 * except those recorded missed.
 */
async function chaos(kind: DatabaseKind, jobs: number, seconds: number) {
  db = await createTestDatabase(kind)
  await linkNoopPlugin(box)
  const jobLines = Array.from({ length: jobs }, (_, i) => `j${i}: { type: 'noop', schedule: '* * * * * *' }`).join(
    ',\n',
  )
  box.write(
    'circadian.config.ts',
    tsConfig(
      `{ maxConcurrent: ${jobs * 2}, state: { client: '${kind === 'pg' ? 'pg' : 'mysql2'}', connection: '${db.url}' }, jobs: { ${jobLines} } }`,
    ),
  )
  const instances = ['a', 'b', 'c'].map((id) => ({ id, child: startServe(id) }))
  const k = knex({ client: kind === 'pg' ? 'pg' : 'mysql2', connection: db.url, pool: { min: 0, max: 2 } })
  try {
    await waitFor(async () => {
      try {
        const row = await k('instances').whereNull('stopped_at').count({ n: '*' }).first()
        return Number(row?.n) === 3
      } catch {
        return false
      }
    }, 30_000)
    const from = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000)
    let killed = 0
    for (let t = 10; t <= seconds; t += 10) {
      await sleep(10_000)
      if (t >= seconds) break
      const victim = instances[killed % 3]
      await killHard(victim.child)
      victim.child = startServe(victim.id)
      killed++
    }
    const to = new Date(from.getTime() + (seconds - 8) * 1000)
    await sleep(4000)
    for (const i of instances) i.child.kill('SIGTERM')
    await sleep(3000)
    const rows: Array<{ job: string; scheduled_for: string; status: string; instance: string }> = await k('runs')
      .whereBetween('scheduled_for', [from.toISOString(), to.toISOString()])
      .select('job', 'scheduled_for', 'status', 'instance')
    const perOccurrence = new Map<string, number>()
    for (const r of rows)
      perOccurrence.set(`${r.job}@${r.scheduled_for}`, (perOccurrence.get(`${r.job}@${r.scheduled_for}`) ?? 0) + 1)
    const expected = jobs * Math.round((to.getTime() - from.getTime()) / 1000 + 1)
    const duplicates = [...perOccurrence.values()].filter((n) => n > 1).length
    const missing = expected - perOccurrence.size
    const missed = rows.filter((r) => r.status === 'missed').length
    const byInstance = Object.fromEntries(
      ['a', 'b', 'c'].map((id) => [id, rows.filter((r) => r.instance === id).length]),
    )
    const result = { kind, expected, rows: rows.length, duplicates, missing, missed, killed, byInstance }
    console.log(`chaos ${kind}: ${JSON.stringify(result)}`)
    return result
  } finally {
    await k.destroy()
  }
}

describe('several serve instances on one database', () => {
  it('PostgreSQL chaos: 3 instances, 50 jobs every second, one killed -9 and restarted every 10 s: 0 duplicates, 0 silently lost', async () => {
    const r = await chaos('pg', 50, 60)
    expect(r.duplicates).toBe(0)
    expect(r.missing).toBe(0)
    expect(r.killed).toBe(5)
    expect(Object.values(r.byInstance).filter((n) => n > 0).length).toBeGreaterThanOrEqual(2)
  })

  it('MariaDB chaos, shorter: 0 duplicates, 0 silently lost', async () => {
    const r = await chaos('mysql', 30, 30)
    expect(r.duplicates).toBe(0)
    expect(r.missing).toBe(0)
  })

  it('PostgreSQL restarted in the middle of a run: no duplicate, no crash, the run is recorded', async () => {
    db = await createTestDatabase('pg')
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ state: { client: 'pg', connection: '${db.url}' }, jobs: { long: { type: 'command', schedule: '*/15 * * * * *', command: 'sleep 6; echo done' }, tick: { type: 'command', schedule: '* * * * * *', command: 'true' } } }`,
      ),
    )
    const child = spawn(process.execPath, [BIN, 'serve', '--log-level', 'info'], {
      cwd: box.dir,
      env: box.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.add(child)
    let log = ''
    child.stdout!.on('data', (c) => (log += c))
    child.stderr!.on('data', (c) => (log += c))
    await waitFor(() => log.includes('"job":"long"') && log.includes('run started'), 30_000)
    const cluster = readdirSync('/etc/postgresql')[0]
    execSync(`pg_ctlcluster --skip-systemctl-redirect ${cluster} main restart`, { stdio: 'ignore' })
    await waitFor(() => log.includes('"job":"long"') && log.includes('"status":"succeeded"'), 60_000)
    await sleep(3000)
    expect(child.exitCode).toBeNull()
    child.kill('SIGTERM')
    await new Promise((r) => child.on('close', r))
    const k = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 1 } })
    try {
      const dupes = await k('runs')
        .select('job', 'scheduled_for')
        .count({ n: '*' })
        .whereNotNull('scheduled_for')
        .groupBy('job', 'scheduled_for')
        .havingRaw('count(*) > 1')
      expect(dupes).toEqual([])
      const long = await k('runs').where({ job: 'long' }).orderBy('created_at').first()
      expect(long.status).toBe('succeeded')
      expect(long.summary).toBe('done')
    } finally {
      await k.destroy()
    }
  })
})
