import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tsConfig } from '../helpers/cli.js'
import { waitFor } from '../helpers/servers.js'
import { type RunningServe, TOKEN, auth, call, startServe } from './serve-http.js'

const JOBS = `{ report: { type: 'command', command: 'echo quarterly revenue 1234567' }, check: { type: 'command', schedule: '0 * * * *', command: 'true' } }`
const config = (port: number, serveKeys: string) =>
  `{ serve: { http: { port: ${port} }, ${serveKeys} }, jobs: ${JOBS} }`

let serve: RunningServe
let runId: string
beforeAll(async () => {
  serve = await startServe((port) => config(port, `token: env('CIRCADIAN_TOKEN')`))
  const triggered = await call(serve.base, '/api/jobs/report/trigger', { method: 'POST', headers: auth })
  runId = (triggered.body as { runId: string }).runId
  await waitFor(
    async () =>
      ((await call(serve.base, `/api/runs/${runId}`, { headers: auth })).body as { status?: string }).status ===
      'succeeded',
    20_000,
  )
})
afterAll(() => serve?.stop())

describe('with serve.token set', () => {
  it('authentication comes first: an unauthenticated POST with broken JSON gets 401, not 400', async () => {
    const answer = await call(serve.base, '/api/jobs/check/pause', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    })
    expect(answer).toMatchObject({
      status: 401,
      body: { error: 'a valid bearer token is required for this (Authorization: Bearer <serve.token>)' },
    })
    expect(answer.headers.get('www-authenticate')).toBe('Bearer')
    const wrongType = await call(serve.base, '/api/jobs/check/pause', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    })
    expect(wrongType.status).toBe(401)
  })

  it('the scheme is case-insensitive: `bearer TOKEN` and `BEARER TOKEN` work', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const headers = { authorization: `${scheme} ${TOKEN}` }
      expect((await call(serve.base, '/api/jobs/check/pause', { method: 'POST', headers })).status, scheme).toBe(200)
      expect((await call(serve.base, '/api/jobs/check/resume', { method: 'POST', headers })).status, scheme).toBe(200)
      expect((await call(serve.base, '/api/jobs', { headers })).status, scheme).toBe(200)
    }
  })

  it('every /api read needs the token: jobs, runs, one run, its output, the dashboard data and the event stream', async () => {
    for (const p of [
      '/api/jobs',
      '/api/jobs/report/runs',
      `/api/runs/${runId}`,
      `/api/runs/${runId}/output`,
      '/api/dashboard/meta',
      '/api/dashboard/jobs',
      '/api/dashboard/jobs/report',
      '/api/dashboard/health',
      '/api/dashboard/panels',
      '/api/events',
    ]) {
      const answer = await call(serve.base, p)
      expect(answer.status, p).toBe(401)
      expect(answer.text).not.toContain('1234567')
    }
    expect(
      ((await call(serve.base, `/api/runs/${runId}/output`, { headers: auth })).body as { stdout: string }).stdout,
    ).toBe('quarterly revenue 1234567\n')
  })

  it('/health*, /metrics and the page stay open; /health names no run, summary or instance without the token', async () => {
    for (const p of ['/health', '/health/live', '/health/ready', '/metrics', '/', '/assets/app.js', '/assets/app.css'])
      expect((await call(serve.base, p)).status, p).toBe(200)
    const open = (await call(serve.base, '/health')).body as { instance: string | null }
    expect(open.instance).toBeNull()
    const full = (await call(serve.base, '/health', { headers: auth })).body as { instance: string | null }
    expect(full.instance).toMatch(/:\d+$/)
  })

  it('GET on a POST route is 405 with Allow; a name past the route limit is the documented {"error"} shape', async () => {
    const answer = await call(serve.base, '/api/jobs/report/trigger', { headers: auth })
    expect(answer.status).toBe(405)
    expect(answer.headers.get('allow')).toBe('POST')
    expect(answer.body).toEqual({ error: '/api/jobs/:job/trigger accepts POST only' })
    const post = await call(serve.base, '/api/jobs', { method: 'POST', headers: auth })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    const long = `job${'x'.repeat(400)}`
    const tooLong = await call(serve.base, `/api/jobs/${long}/runs`, { headers: auth })
    expect(tooLong).toMatchObject({ status: 414, body: { error: 'a name in the path is longer than 200 characters' } })
    expect(tooLong.text).not.toContain(long)
    expect(Object.keys(tooLong.body as object)).toEqual(['error'])
  })

  it('a token changed, removed or added by hot reload applies at once, and the dashboard reports what is enforced', async () => {
    const file = path.join(serve.box.dir, 'circadian.config.ts')
    const meta = async (headers: Record<string, string> = {}) =>
      (await call(serve.base, '/api/dashboard/meta', { headers })).body as {
        tokenRequired?: boolean
        readsNeedToken?: boolean
      }
    const reloads = () => serve.output().split('config reloaded').length - 1
    const reload = async (serveKeys: string) => {
      const before = reloads()
      writeFileSync(file, tsConfig(config(serve.port, serveKeys)))
      await waitFor(() => reloads() > before, 20_000)
    }
    const NEW = 'a-new-token-after-reload-0123456789'
    await reload(`token: '${NEW}'`)
    expect(serve.output()).toContain('serve.token changed: the new one is required from now on')
    expect((await call(serve.base, '/api/jobs', { headers: auth })).status).toBe(401)
    expect((await call(serve.base, '/api/jobs', { headers: { authorization: `Bearer ${NEW}` } })).status).toBe(200)

    await reload(`token: '${NEW}', http: { port: ${serve.port}, publicReads: true }`)
    expect((await call(serve.base, '/api/jobs')).status).toBe(200)
    expect(await meta()).toMatchObject({ tokenRequired: true, readsNeedToken: false })
    expect((await call(serve.base, '/api/jobs/check/pause', { method: 'POST' })).status).toBe(401)

    await reload('')
    expect(serve.output()).toContain('serve.token removed: no longer required')
    expect(await meta()).toMatchObject({ tokenRequired: false, readsNeedToken: false })
    expect((await call(serve.base, '/api/jobs/check/pause', { method: 'POST' })).status).toBe(200)
    expect((await call(serve.base, '/api/jobs/check/resume', { method: 'POST' })).status).toBe(200)

    await reload(`token: env('CIRCADIAN_TOKEN')`)
    expect(serve.output()).toContain('serve.token set: required from now on')
    expect((await call(serve.base, '/api/dashboard/meta')).status).toBe(401)
    expect(await meta(auth)).toMatchObject({ tokenRequired: true, readsNeedToken: true })
    expect((await call(serve.base, '/api/jobs/check/pause', { method: 'POST' })).status).toBe(401)
  })
})
