import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import net from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BIN, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { createTestDatabase } from '../helpers/databases.js'
import { waitFor } from '../helpers/servers.js'

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

const TOKEN = 'test-token-0123456789abcdef'

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

async function startServe(env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: box.dir,
    env: { ...box.env, CIRCADIAN_TOKEN: TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (c) => (out += c))
  child.stderr!.on('data', (c) => (out += c))
  await waitFor(() => out.includes('HTTP on ') || child.exitCode !== null, 20_000)
  return { child, out: () => out }
}

const call = async (port: number, path: string, init: RequestInit = {}) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, init)
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: res.status, body, text, type: res.headers.get('content-type') }
}

describe('serve HTTP', () => {
  it('health endpoints, Prometheus metrics that pass promtool, and degraded health when a breaker opens', async () => {
    const port = await freePort()
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        serve: { http: { port: ${port} }, token: env('CIRCADIAN_TOKEN') },
        resources: { 'db:wh': { breaker: { failures: 1, halfOpenAfter: '1h' } } },
        jobs: { ok: { type: 'command', schedule: '* * * * * *', command: 'true' }, bad: { type: 'command', schedule: '* * * * * *', command: 'exit 1', resources: ['db:wh'] } },
      }`),
    )
    await startServe()
    expect(await call(port, '/health/live')).toMatchObject({ status: 200, body: { ok: true } })
    expect(await call(port, '/health/ready')).toMatchObject({
      status: 200,
      body: { ok: true, checks: { store: 'reachable', migrations: 'current', config: 'loaded' } },
    })
    await waitFor(async () => ((await call(port, '/health')).body as { status: string }).status === 'degraded')
    const health = (await call(port, '/health')).body as { status: string; reasons: string[]; deadLetters: number }
    expect(health.reasons).toContain('circuit open: db:wh (open)')
    const metrics = await call(port, '/metrics')
    expect(metrics.type).toContain('text/plain')
    for (const name of [
      'circadian_job_runs_total',
      'circadian_job_duration_seconds_bucket',
      'circadian_job_lateness_seconds_bucket',
      'circadian_job_last_success_timestamp_seconds',
      'circadian_circuit_state',
      'circadian_dead_letters',
      'circadian_build_info',
      'process_cpu_seconds_total',
    ]) {
      expect(metrics.text).toContain(name)
    }
    expect(metrics.text).toContain('circadian_circuit_state{resource="db:wh"} 2')
    expect(metrics.text).toMatch(/circadian_job_runs_total\{job="ok",type="command",status="succeeded"\} [1-9]/)
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: metrics.text, encoding: 'utf8' })
    if (promtool.error)
      throw new Error('promtool is needed for this test (Debian: apt-get install prometheus; .ci/run installs it)')
    expect(promtool.stdout + promtool.stderr).toBe('')
    expect(promtool.status).toBe(0)
  })

  it('the API: jobs and runs; reads and mutations need the bearer token; bad input gets a 4xx with a message, never a stack', async () => {
    const port = await freePort()
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ serve: { http: { port: ${port} }, token: env('CIRCADIAN_TOKEN') }, jobs: { report: { type: 'command', command: 'echo built' }, tick: { type: 'command', schedule: '0 * * * *', command: 'true' } } }`,
      ),
    )
    await startServe()
    const auth = { authorization: `Bearer ${TOKEN}` }
    // With serve.token set, reads need it too.
    expect(await call(port, '/api/jobs')).toMatchObject({
      status: 401,
      body: { error: expect.stringContaining('bearer token') },
    })
    const jobs = (await call(port, '/api/jobs', { headers: auth })).body as { jobs: Array<Record<string, unknown>> }
    expect(jobs.jobs.map((j) => j.job)).toEqual(['report', 'tick'])
    expect(jobs.jobs[1]).toMatchObject({
      cron: '0 * * * *',
      paused: false,
      nextFire: expect.stringMatching(/:00:00.000Z$/),
    })
    expect(await call(port, '/api/jobs/report/trigger', { method: 'POST' })).toMatchObject({
      status: 401,
      body: { error: expect.stringContaining('bearer token') },
    })
    expect(
      await call(port, '/api/jobs/report/trigger', {
        method: 'POST',
        headers: { authorization: 'Bearer wrong-token-0000000000' },
      }),
    ).toMatchObject({ status: 401 })
    const triggered = await call(port, '/api/jobs/report/trigger', { method: 'POST', headers: auth })
    expect(triggered).toMatchObject({ status: 202, body: { job: 'report', accepted: true, runId: expect.any(String) } })
    await waitFor(
      async () =>
        ((await call(port, '/api/jobs/report/runs', { headers: auth })).body as { runs: Array<{ status: string }> })
          .runs[0]?.status === 'succeeded',
    )
    const runs = (await call(port, '/api/jobs/report/runs?limit=5', { headers: auth })).body as {
      runs: Array<Record<string, unknown>>
    }
    const runId = (triggered.body as { runId: string }).runId
    expect(runs.runs[0]).toMatchObject({
      id: runId,
      trigger: 'api',
      summary: 'built',
      outputUrl: `/api/runs/${runId}/output`,
    })
    // Lists carry no output; each run's is on its own route.
    expect(runs.runs[0]).not.toHaveProperty('output')
    expect(await call(port, `/api/runs/${runId}/output`, { headers: auth })).toMatchObject({
      status: 200,
      body: { id: runId, job: 'report', stdout: 'built\n', stderr: null },
    })
    expect(
      await call(port, '/api/jobs/tick/pause', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'deploy' }),
      }),
    ).toMatchObject({ status: 200, body: { paused: true } })
    expect(
      ((await call(port, '/api/jobs', { headers: auth })).body as { jobs: Array<Record<string, unknown>> }).jobs[1],
    ).toMatchObject({ paused: true, pauseReason: 'deploy', nextFire: null })
    expect(await call(port, '/api/jobs/tick/resume', { method: 'POST', headers: auth })).toMatchObject({
      status: 200,
      body: { paused: false },
    })
    const bad = await call(port, '/api/jobs/tick/pause', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{nope',
    })
    expect(bad.status).toBe(400)
    expect(bad.text).not.toMatch(/\bat .+:\d+:\d+/)
    expect(await call(port, '/api/jobs/nope/runs', { headers: auth })).toMatchObject({
      status: 404,
      body: { error: 'unknown job "nope"' },
    })
    expect(await call(port, '/api/jobs/report/runs?limit=0', { headers: auth })).toMatchObject({ status: 400 })
    expect(await call(port, '/nowhere')).toMatchObject({ status: 404 })
  })

  it('binding beyond loopback without a token is refused at start (exit 2)', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ serve: { http: { port: 8999, host: '0.0.0.0' } }, jobs: { j: { type: 'command', command: 'true' } } }`,
      ),
    )
    const r = await box.run(['serve'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('serve.token: is required when serve.http.host (0.0.0.0) is not a loopback address')
  })

  it('a port already in use is a clear error (exit 2), not a stack trace', async () => {
    const taken = net.createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()))
    const port = (taken.address() as net.AddressInfo).port
    try {
      box.write(
        'circadian.config.ts',
        tsConfig(
          `{ serve: { http: { port: ${port} } }, jobs: { j: { type: 'command', schedule: '0 * * * *', command: 'true' } } }`,
        ),
      )
      const r = await box.run(['serve'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`serve.http.port ${port} on 127.0.0.1 is already in use`)
      expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/)
    } finally {
      taken.close()
    }
  })

  it('/health/ready says not ready while the store is unreachable', async () => {
    const db = await createTestDatabase('pg')
    const port = await freePort()
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ state: { client: 'pg', connection: '${db.url}' }, serve: { http: { port: ${port} } }, jobs: { j: { type: 'command', schedule: '0 * * * *', command: 'true' } } }`,
      ),
    )
    await startServe()
    expect((await call(port, '/health/ready')).status).toBe(200)
    await db.drop()
    const ready = await waitFor(async () => {
      const r = await call(port, '/health/ready')
      return r.status === 503 ? r : undefined
    })
    expect((ready.body as { checks: { store: string } }).checks.store).toMatch(/^unreachable: /)
  })
})
