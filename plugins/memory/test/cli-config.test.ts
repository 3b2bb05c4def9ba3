import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TestDatabase, createTestDatabase } from '../../../test/helpers/databases.js'
import { type Sandbox, sandbox, tsConfig } from '../../../test/helpers/cli.js'

describe('memory-cycle options in a config', () => {
  let box: Sandbox
  beforeEach(() => {
    box = sandbox()
  })
  afterEach(() => box.cleanup())

  it('reports every problem at once, with paths, exit code 2', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        connections: { memory: { client: 'sqlite', filename: 'memory.db' } },
        jobs: {
          w: { type: 'memory-cycle', stage: 'working', connection: 'memory', batchSize: 10, capacty: 3, window: '5 minutes' },
          s: { type: 'memory-cycle', stage: 'short-term', connection: 'memory', weights: { recncy: 0.3 }, decay: 1.5 },
          r: { type: 'memory-cycle', stage: 'rem-sleep', connection: 'memory' },
          l: { type: 'memory-cycle', stage: 'rem', connection: 'memry', llm: { url: 'ftp://llm', model: '' } },
          h: { type: 'memory-cycle', stage: 'health', connection: 'memory', maxLag: { rem: 'soon' }, stages: ['rem', 'dreaming'] },
        },
      }`),
    )
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    const lines = r.stderr.split('\n')
    const expectLine = (text: string) => expect(lines, text).toContain(`  ${text}`)
    expectLine(
      'jobs.w.batchSize: is not a parameter of stage "working" (it belongs to "consolidation", "deep-consolidation"); "working" takes: window, minActivation, minAccessCount, capacity',
    )
    expectLine('jobs.w.capacty: unknown key "capacty" (did you mean "capacity"?)')
    expectLine('jobs.w.window: must be a duration like "300s", "10m" or "24h"')
    expect(
      lines.some((l) => l.startsWith('  jobs.s.weights.recncy: unknown key "recncy"') && l.includes('"recency"')),
    ).toBe(true)
    expectLine('jobs.s.decay: must be at most 1')
    expect(lines.some((l) => l.startsWith('  jobs.r.stage: "rem-sleep" is not one of'))).toBe(true)
    expectLine('jobs.l.llm.url: must be an http(s) URL like "http://127.0.0.1:11434"')
    expectLine('jobs.l.llm.model: must not be empty')
    expectLine('jobs.h.maxLag.rem: must be a duration like "300s", "10m" or "24h"')
    expect(lines.some((l) => l.startsWith('  jobs.h.stages[1]: "dreaming" is not one of'))).toBe(true)
  })

  it('checks that the connection exists', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ connections: { memory: { client: 'sqlite', filename: 'memory.db' } }, jobs: { l: { type: 'memory-cycle', stage: 'rem', connection: 'memry' } } }`,
      ),
    )
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('jobs.l.connection')
    expect(r.stderr).toContain('memry')
  })
})

describe('memory-cycle end to end on PostgreSQL', () => {
  let box: Sandbox
  let db: TestDatabase
  let hook: http.Server
  let received: Array<Record<string, unknown>>
  let hookUrl: string
  beforeEach(async () => {
    box = sandbox()
    db = await createTestDatabase('pg')
    received = []
    hook = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>)
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`
  })
  afterEach(async () => {
    await new Promise((resolve) => hook.close(resolve))
    await db.drop()
    box.cleanup()
  })

  it('runs the stages, keeps the password out of every output, and notifies when the store is degraded', async () => {
    // The local server trusts 127.0.0.1, so any password gets in: it must still never be shown.
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadPort = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const url = new URL(db.url)
    url.password = 'Sup3rSecretPw'
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        timezone: 'UTC',
        connections: { memory: { client: 'pg', connection: env('MEMORY_URL') } },
        notifiers: { ops: { type: 'webhook', url: '${hookUrl}' } },
        jobs: {
          working: { type: 'memory-cycle', stage: 'working', connection: 'memory' },
          rem: { type: 'memory-cycle', stage: 'rem', connection: 'memory', llm: { url: 'http://127.0.0.1:${deadPort}', model: 'llama3.2', timeout: '2s' } },
          health: { type: 'memory-cycle', stage: 'health', connection: 'memory', notify: ['ops'], stages: ['working', 'short-term'], maxLag: { 'short-term': '1ms' } },
        },
      }`),
    )
    const env = { MEMORY_URL: url.toString() }
    box.write(
      'm.jsonl',
      '{"content": "Atlas kickoff with Ana", "tags": ["atlas"], "store": "long-term", "strength": 0.9}\n{"content": "Atlas beta with Ana", "tags": ["atlas"], "store": "long-term", "strength": 0.7}\n',
    )
    const outputs: string[] = []
    const run = async (args: string[]) => {
      const r = await box.run(args, { env })
      outputs.push(r.stdout, r.stderr)
      return r
    }
    expect((await run(['memory', 'import', 'm.jsonl'])).code).toBe(0)
    const rem = await run(['run', 'rem', '--json'])
    expect(rem.code).toBe(0)
    const remRun = JSON.parse(rem.stdout).runs[0]
    // The LLM is down (nothing listens on its port): REM links by its rules and says so.
    expect(remRun.summary).toBe(
      `1 link among long-term memories (1 new, 0 moved toward their targets; 2 consolidated in the last 1d) — rule-based: LLM unavailable (cannot reach 127.0.0.1:${deadPort}: ECONNREFUSED)`,
    )
    expect(remRun.data).toMatchObject({ path: 'rule-based', links: 1 })

    const health = await run(['run', 'health', '--json'])
    expect(health.code).toBe(1)
    const healthRun = JSON.parse(health.stdout).runs[0]
    expect(healthRun.status).toBe('alert')
    expect(healthRun.summary).toMatch(
      /^degraded: short-term has not succeeded since the store was created \S+ ago \(limit 1ms\)$/,
    )
    // Becoming degraded starts a streak of alerts: one notice, circadian's own (the plugin adds none).
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({ title: 'circadian: health raised an alert', severity: 'warning' })
    expect(received[0].text).toMatch(
      /^degraded: short-term has not succeeded since the store was created \S+ ago \(limit 1ms\)$/,
    )
    // Still degraded the same way: nobody repeats it.
    expect((await run(['run', 'health', '--json'])).code).toBe(1)
    expect(received).toHaveLength(1)

    await run(['memory', 'stats', '--json'])
    await run(['history', '--json'])
    await run(['memory', 'recall', 'atlas', '--json'])
    for (const text of outputs) expect(text).not.toContain('Sup3rSecretPw')
  })
})
