import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { MAX_ANSWER_BYTES, capAnswers } from './limits.js'

function appWithCap() {
  const warnings: string[] = []
  const log = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} }
  const app = Fastify({ logger: false })
  capAnswers(app, log)
  app.get('/big', async () => ({ text: 'x'.repeat(MAX_ANSWER_BYTES) }))
  app.get('/small', async () => ({ text: 'ok' }))
  return { app, warnings }
}

describe('every answer has a byte cap', () => {
  it('refuses an answer over the cap with a JSON error (507) and logs the route, instead of sending it', async () => {
    const { app, warnings } = appWithCap()
    const res = await app.inject({ method: 'GET', url: '/big' })
    expect(res.statusCode).toBe(507)
    expect(res.headers['content-type']).toContain('application/json')
    expect(res.body.length).toBeLessThan(1000)
    expect(JSON.parse(res.body).error).toMatch(/^the answer would be \d+ bytes, over serve's cap of \d+/)
    expect(warnings).toEqual([expect.stringContaining('GET /big')])
    await app.close()
  })

  it('sends answers under the cap as they are', async () => {
    const { app, warnings } = appWithCap()
    const res = await app.inject({ method: 'GET', url: '/small' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ text: 'ok' })
    expect(warnings).toEqual([])
    await app.close()
  })
})
