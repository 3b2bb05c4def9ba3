import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startServeHttp } from '../helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { waitFor } from '../helpers/servers.js'

const TOKEN = 'explain-http-token-0123456789abcdef'
const SLOW = 30_000

let box: Sandbox
let serve: ChildProcess
let base: string

const get = async (path: string, token: string | null = TOKEN) => {
  const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  }
}
type Run = { id: string; status: string; reason: string | null; scheduledFor: string | null }
const runsOf = async (job: string) => (await get(`/api/jobs/${job}/runs?limit=20`)).body.runs as Run[]
const cliJson = async (args: string[]) => {
  const r = await box.run(['explain', ...args, '--json'], { env: { CIRCADIAN_TOKEN: TOKEN } })
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as { steps: unknown[]; occurrence: string | null }
}

beforeAll(async () => {
  box = sandbox()
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  // Reads need the token (no publicReads); `held` is paused before serve starts, so its fires are skipped.
  box.write(
    'circadian.config.ts',
    tsConfig(`{
      timezone: 'Europe/Berlin',
      serve: { http: { port: ${port} }, token: env('CIRCADIAN_TOKEN'), shutdownGrace: '2s' },
      jobs: {
        held: { type: 'command', schedule: '* * * * * *', command: 'true' },
        slow: { type: 'command', schedule: '* * * * * *', command: 'sleep 2.5', overlap: 'skip' },
      },
    }`),
  )
  const paused = await box.run(['pause', 'held', '--reason', 'warehouse migration'], {
    env: { CIRCADIAN_TOKEN: TOKEN },
  })
  expect(paused.code, paused.stderr).toBe(0)
  serve = (await startServeHttp(box, { CIRCADIAN_TOKEN: TOKEN }, SLOW)).child
}, 60_000)

afterAll(() => {
  if (serve && serve.exitCode === null) serve.kill('SIGKILL')
  box?.cleanup()
})

describe('the explain API against a real serve (GET /api/jobs/:job/explain, /api/runs/:id/explain)', () => {
  it('needs the token, like every read of job data', async () => {
    const bare = await get('/api/jobs/held/explain?at=2026-01-01T00:00:00Z', null)
    expect(bare.status).toBe(401)
    expect(await get('/api/runs/whatever/explain', 'wrong-token-000000000000000000')).toMatchObject({ status: 401 })
  })

  it('an unknown job or run is a 404 with a JSON error; a bad or missing time a 400', async () => {
    const job = await get('/api/jobs/helt/explain?at=2026-01-01T00:00:00Z')
    expect(job.status).toBe(404)
    expect(job.type).toContain('application/json')
    expect(job.body.error).toContain('unknown job "helt"')
    const run = await get('/api/runs/nope/explain')
    expect(run.status).toBe(404)
    expect(run.body.error).toContain('no run "nope"')
    const bad = await get('/api/jobs/held/explain?at=yesterday')
    expect(bad.status).toBe(400)
    expect(bad.type).toContain('application/json')
    expect(bad.body.error).toContain('"yesterday" is not an ISO date-time')
    const missing = await get('/api/jobs/held/explain')
    expect(missing.status).toBe(400)
    expect(missing.body.error).toContain('?at=')
  })

  it("a paused job's skipped fire: the answer's steps equal `circadian explain --json` for the same job and time", async () => {
    const skipped = await waitFor(
      async () => (await runsOf('held')).find((r) => r.status === 'skipped' && r.scheduledFor),
      SLOW,
    )
    expect(skipped.reason).toBe('paused')
    const api = await get(`/api/jobs/held/explain?at=${encodeURIComponent(skipped.scheduledFor!)}`)
    expect(api.status).toBe(200)
    const cli = await cliJson(['held', '--at', skipped.scheduledFor!])
    expect(api.body.occurrence).toBe(skipped.scheduledFor)
    expect(api.body.steps).toEqual(cli.steps)
    const paused = (api.body.steps as Array<{ step: string; verdict: string; detail: string }>).find(
      (s) => s.step === 'paused',
    )
    expect(paused?.verdict).toBe('fail')
    expect(paused?.detail).toContain('warehouse migration')

    const byRun = await get(`/api/runs/${skipped.id}/explain`)
    expect(byRun.status).toBe(200)
    expect(byRun.body.steps).toEqual((await cliJson(['--run', skipped.id])).steps)
  })

  it('an overlap skip, by run id and by time: the same steps as the CLI, naming the run still running', async () => {
    const skipped = await waitFor(
      async () => (await runsOf('slow')).find((r) => r.status === 'skipped' && r.reason === 'overlap'),
      SLOW,
    )
    // Compared once the run it overlapped has finished: the explanation then no longer changes under the test.
    const byRun = await waitFor(async () => {
      const answer = await get(`/api/runs/${skipped.id}/explain`)
      return JSON.stringify(answer.body).includes(', finished ') && answer
    }, SLOW)
    expect(byRun.status).toBe(200)
    expect(byRun.body.steps).toEqual((await cliJson(['--run', skipped.id])).steps)
    const overlap = (byRun.body.steps as Array<{ step: string; detail: string }>).find((s) => s.step === 'overlap')
    expect(overlap?.detail).toMatch(/^overlap: run \S+ was still running/)
    const byTime = await get(`/api/jobs/slow/explain?at=${encodeURIComponent(skipped.scheduledFor!)}`)
    expect(byTime.body.steps).toEqual((await cliJson(['slow', '--at', skipped.scheduledFor!])).steps)
  })
})
