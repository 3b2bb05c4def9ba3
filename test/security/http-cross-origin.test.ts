import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServe, call, rawCall, runsOf, startServe } from './serve-http.js'

// No serve.token: the loopback default a person starts with. Any web page in their browser can send
// requests to 127.0.0.1; only serve's own page may change anything.
let serve: RunningServe
beforeAll(async () => {
  serve = await startServe(
    (port) =>
      `{ serve: { http: { port: ${port} } }, jobs: { report: { type: 'command', command: 'echo built' }, tick: { type: 'command', schedule: '0 * * * *', command: 'true' } } }`,
  )
})
afterAll(() => serve?.stop())

const post = (path: string, headers: Record<string, string>, body?: string) =>
  call(serve.base, path, { method: 'POST', headers, body })

describe('cross-origin changes are refused (no token set)', () => {
  it('a POST from another origin (Origin header) gets 403 and triggers nothing, whatever its content type', async () => {
    const attempts: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'https://evil.example', 'content-type': 'application/json' },
      { origin: `http://127.0.0.1:${serve.port + 1}` },
      { origin: 'null' },
    ]
    for (const headers of attempts) {
      const answer = await post('/api/jobs/report/trigger', headers, headers['content-type'] ? '{}' : undefined)
      expect(answer.status, JSON.stringify(headers)).toBe(403)
      expect(answer.body).toEqual({ error: expect.stringContaining('cross-origin request refused') })
    }
    expect(await runsOf(serve.base, 'report')).toEqual([])
  })

  it('without Origin, a foreign Referer is refused too', async () => {
    const answer = await post('/api/jobs/tick/pause', { referer: 'https://evil.example/page.html' })
    expect(answer).toMatchObject({
      status: 403,
      body: { error: 'cross-origin request refused (its Referer is not this server)' },
    })
    expect(
      ((await call(serve.base, '/api/jobs')).body as { jobs: Array<{ job: string; paused: boolean }> }).jobs.find(
        (j) => j.job === 'tick',
      )!.paused,
    ).toBe(false)
  })

  it('a body that is not JSON (text/plain, a form, none declared) is refused with 403, before it is parsed', async () => {
    for (const [type, body] of [
      ['text/plain', 'x'],
      ['text/plain;charset=UTF-8', '{"reason":"x"}'],
      ['application/x-www-form-urlencoded', 'reason=x'],
      ['multipart/form-data; boundary=b', '--b--'],
    ]) {
      const answer = await post('/api/jobs/report/trigger', { 'content-type': type }, body)
      expect(answer.status, type).toBe(403)
      expect((answer.body as { error: string }).error).toMatch(
        /^a request body must be JSON \(Content-Type: application\/json\)/,
      )
    }
    const undeclared = await rawCall(serve.port, '/api/jobs/report/trigger', {
      method: 'POST',
      headers: { 'content-length': '1' },
      body: 'x',
    })
    expect(undeclared.status).toBe(403)
    expect(await runsOf(serve.base, 'report')).toEqual([])
  })

  it('other methods are changes too: PUT and DELETE from another origin get 403', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      expect(
        (await call(serve.base, '/api/jobs/report/trigger', { method, headers: { origin: 'https://evil.example' } }))
          .status,
        method,
      ).toBe(403)
    }
  })

  it("serve's own origin with JSON, and a bare `curl -X POST` (no body, no Origin), still work", async () => {
    const own = await post(
      '/api/jobs/tick/pause',
      { origin: serve.base, 'content-type': 'application/json' },
      '{"reason":"own page"}',
    )
    expect(own).toMatchObject({ status: 200, body: { paused: true } })
    const bare = await post('/api/jobs/tick/resume', {})
    expect(bare).toMatchObject({ status: 200, body: { paused: false } })
    const localhost = await rawCall(serve.port, '/api/jobs/report/trigger', {
      method: 'POST',
      headers: {
        host: `localhost:${serve.port}`,
        origin: `http://localhost:${serve.port}`,
        'content-type': 'application/json',
      },
      body: '{}',
    })
    expect(localhost.status).toBe(202)
  })
})
