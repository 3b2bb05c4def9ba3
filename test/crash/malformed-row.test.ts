import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { startServe } from '../helpers/serve-child.js'

let box: Sandbox
const children: ChildProcess[] = []
beforeEach(() => {
  box = sandbox()
})
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  children.length = 0
  box.cleanup()
})

/** Three runs of `work`; the middle one's data damaged (not JSON). */
async function damagedHistory(port?: number): Promise<string> {
  box.write(
    'circadian.config.ts',
    tsConfig(
      `{ ${port ? `serve: { http: { port: ${port} } }, ` : ''}jobs: { work: { type: 'command', command: 'echo done' } } }`,
    ),
  )
  for (let i = 0; i < 3; i++) expect((await box.run(['run', 'work'])).code).toBe(0)
  const d = new Database(path.join(box.dir, '.circadian', 'state.db'))
  const ids = (d.prepare(`select id from runs order by id`).all() as Array<{ id: string }>).map((r) => r.id)
  d.prepare(`update runs set data = '{"exitCode": 0, trunc' where id = ?`).run(ids[1])
  d.close()
  return ids[1]
}

describe('one malformed row', () => {
  it('history --json shows it as malformed and the others normally (exit 0)', async () => {
    const bad = await damagedHistory()
    const result = await box.run(['history', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const runs = JSON.parse(result.stdout).runs as Array<Record<string, unknown>>
    expect(runs).toHaveLength(3)
    expect(runs.find((r) => r.id === bad)).toMatchObject({ status: 'succeeded', data: null, malformed: ['data'] })
    for (const r of runs.filter((r) => r.id !== bad))
      expect(r).toMatchObject({ data: { exitCode: 0 }, summary: 'done' })
    expect(runs.filter((r) => r.malformed)).toHaveLength(1)
    expect((await box.run(['history'])).code).toBe(0)
  })

  it("the job's API pages answer 200 with the other runs", async () => {
    const port = await freePort()
    const bad = await damagedHistory(port)
    const s = startServe(box, [], children)
    await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('HTTP on'))
    // Run lists carry no data (bounded answers), so the damaged row is listed like the others.
    for (const url of [`/api/jobs/work/runs`, `/api/dashboard/jobs/work`]) {
      const res = await fetch(`http://127.0.0.1:${port}${url}`)
      expect(res.status, url).toBe(200)
      const body = (await res.json()) as { runs: Array<Record<string, unknown>> }
      expect(body.runs, url).toHaveLength(3)
      expect(
        body.runs.map((r) => r.id),
        url,
      ).toContain(bad)
    }
    // The run's own page reads its data: shown as malformed, not a 500.
    const one = await fetch(`http://127.0.0.1:${port}/api/runs/${bad}`)
    expect(one.status).toBe(200)
    expect(await one.json()).toMatchObject({ id: bad, status: 'succeeded', data: null, malformed: ['data'] })
  }, 60_000)
})
