import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServe, rawCall, startServe } from './serve-http.js'

// DNS rebinding: a page on attacker.example re-resolves its name to 127.0.0.1, so its same-origin requests
// reach serve carrying `Host: attacker.example:PORT`. serve answers only for names it knows.
let serve: RunningServe
beforeAll(async () => {
  serve = await startServe(
    (port) =>
      `{ serve: { http: { port: ${port}, allowedHosts: ['jobs.example.com', 'proxy.internal:8443'] } }, jobs: { report: { type: 'command', command: 'echo secret business figures' } } }`,
  )
  expect((await rawCall(serve.port, '/api/jobs/report/trigger', { method: 'POST' })).status).toBe(202)
})
afterAll(() => serve?.stop())

const get = (path: string, host: string) => rawCall(serve.port, path, { headers: { host } })

describe('an unknown Host gets 421 before any route runs', () => {
  it('every route, reads and changes, the page and health, refuses a name serve does not answer for', async () => {
    for (const path of [
      '/api/jobs',
      '/api/jobs/report/runs',
      '/api/dashboard/meta',
      '/',
      '/health',
      '/metrics',
      '/nowhere',
    ]) {
      const answer = await get(path, `attacker.example:${serve.port}`)
      expect(answer.status, path).toBe(421)
      expect(JSON.parse(answer.text)).toEqual({
        error: `serve does not answer for the host "attacker.example:${serve.port}"; if that name is yours, add it to serve.http.allowedHosts`,
      })
      expect(answer.text).not.toContain('secret business figures')
    }
    const change = await rawCall(serve.port, '/api/jobs/report/trigger', {
      method: 'POST',
      headers: {
        host: `attacker.example:${serve.port}`,
        origin: `http://attacker.example:${serve.port}`,
        'content-type': 'application/json',
      },
      body: '{}',
    })
    expect(change.status).toBe(421)
    // No Host at all: Node's HTTP server refuses an HTTP/1.1 request without one (400) before serve sees it.
    expect((await get('/api/jobs', '')).status).toBe(400)
  })

  it('a known name on another port, or an allowed name:port on the wrong port, is refused too', async () => {
    expect((await get('/api/jobs', 'localhost:1')).status).toBe(421)
    expect((await get('/api/jobs', 'proxy.internal:9999')).status).toBe(421)
    expect((await get('/api/jobs', 'jobs.example.com.attacker.example')).status).toBe(421)
  })

  it('answers for localhost, 127.0.0.1, [::1], allowedHosts, and any IP literal (Kubernetes probes send the pod IP)', async () => {
    for (const host of [
      `localhost:${serve.port}`,
      `127.0.0.1:${serve.port}`,
      `[::1]:${serve.port}`,
      'jobs.example.com',
      'JOBS.example.com:443',
      'proxy.internal:8443',
      'localhost',
    ]) {
      expect((await get('/api/jobs', host)).status, host).toBe(200)
    }
    for (const host of ['10.42.0.17:8377', '[fd00::17]:8377']) {
      expect((await get('/health/live', host)).status, host).toBe(200)
      expect((await get('/health/ready', host)).status, host).toBe(200)
      expect((await get('/metrics', host)).status, host).toBe(200)
    }
  })
})
