import { createHmac } from 'node:crypto'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { type HttpCapture, type SmtpCapture, startHttpCapture, startSmtpCapture } from '../helpers/servers.js'

let box: Sandbox
let hook: HttpCapture
let smtp: SmtpCapture
beforeEach(async () => {
  box = sandbox()
  hook = await startHttpCapture()
  smtp = await startSmtpCapture()
})
afterEach(async () => {
  await hook.close()
  await smtp.close()
  box.cleanup()
})

const rows = (sql: string, ...params: unknown[]) => {
  const d = new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })
  try {
    return d.prepare(sql).all(...params) as Array<Record<string, unknown>>
  } finally {
    d.close()
  }
}

/** A command that fails while the file `broken` exists. */
const toggled = `test ! -f broken || { echo "warehouse unreachable" >&2; exit 3; }`

describe('notifications', () => {
  it('one notice per failure streak and a recovery notice, through webhook (signed), Slack and email', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        notifiers: {
          hook: { type: 'webhook', url: '${hook.url}/hook', secret: 'hmac-secret-123' },
          chat: { type: 'slack', webhookUrl: '${hook.url}/slack', channel: '#ops' },
          mail: { type: 'email', host: '127.0.0.1', port: ${smtp.port}, from: 'circadian@example.com', to: 'ops@example.com', tls: { rejectUnauthorized: false } },
        },
        jobs: { load: { type: 'command', command: '${toggled}', notify: ['hook', 'chat', 'mail'] } },
      }`),
    )
    box.write('broken', '')
    expect((await box.run(['run', 'load'])).code).toBe(3)
    expect((await box.run(['run', 'load'])).code).toBe(3)
    expect(hook.requests.filter((r) => r.url === '/hook')).toHaveLength(1)
    const failure = hook.requests.find((r) => r.url === '/hook')!
    const body = JSON.parse(failure.body)
    expect(body).toMatchObject({
      title: 'circadian: load failed',
      severity: 'critical',
      fields: { job: 'load', status: 'failed', attempts: 1, trigger: 'manual' },
    })
    expect(body.fields.error).toContain('exit code 3: warehouse unreachable')
    expect(body.fields.run_id).toMatch(/^[0-9A-Z]{26}$/)
    expect(failure.headers['x-circadian-signature']).toBe(
      `sha256=${createHmac('sha256', 'hmac-secret-123').update(failure.body).digest('hex')}`,
    )
    const slack = JSON.parse(hook.requests.find((r) => r.url === '/slack')!.body)
    expect(slack).toMatchObject({ channel: '#ops' })
    expect(slack.text).toContain('*circadian: load failed*')
    expect(smtp.messages).toHaveLength(1)
    expect(smtp.messages[0].to).toEqual(['ops@example.com'])
    expect(smtp.messages[0].raw).toContain('Subject: circadian: load failed')

    box.write('broken', '')
    await import('node:fs').then((fs) => fs.rmSync(path.join(box.dir, 'broken')))
    expect((await box.run(['run', 'load'])).code).toBe(0)
    expect((await box.run(['run', 'load'])).code).toBe(0)
    const titles = hook.requests.filter((r) => r.url === '/hook').map((r) => JSON.parse(r.body).title)
    expect(titles).toEqual(['circadian: load failed', 'circadian: load recovered'])
    expect(rows(`select notifier, event, status from notifications order by id`)).toEqual(
      [
        ...['hook', 'chat', 'mail'].map((notifier) => ({ notifier, event: 'failure', status: 'sent' })),
        ...['hook', 'chat', 'mail'].map((notifier) => ({ notifier, event: 'recovery', status: 'sent' })),
      ]
        .sort((a, b) => (a.event === b.event ? 0 : a.event === 'failure' ? -1 : 1))
        .map((r) => expect.objectContaining(r)),
    )
  })

  it('a failing notifier never fails the job: the notice stays in the outbox, retried with backoff under one idempotency key', async () => {
    hook.respondWith(500)
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { hook: { type: 'webhook', url: '${hook.url}/down' } }, jobs: { j: { type: 'command', command: 'exit 1', notify: ['hook'] } } }`,
      ),
    )
    const r = await box.run(['run', 'j', '--json'])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout).runs[0].status).toBe('failed')
    // run waits up to 10 s for its notices: tries at ~0 s, ~2 s and ~6 s, each with the same key.
    expect(hook.requests.length).toBe(3)
    expect(new Set(hook.requests.map((q) => q.headers['idempotency-key'])).size).toBe(1)
    expect(rows(`select status, attempts, error from notifications`)).toEqual(
      [1, 2, 3].map((attempts) => ({ status: 'failed', attempts, error: 'HTTP 500 Internal Server Error' })),
    )
    expect(rows(`select status, attempts, last_error from notices`)).toEqual([
      { status: 'failed', attempts: 3, last_error: 'HTTP 500 Internal Server Error' },
    ])
    expect(r.stderr).toContain('not delivered yet; they stay queued')
  }, 60_000)

  it('each notifier has a rate limit; notices past it are deferred, not dropped, then go out coalesced', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { hook: { type: 'webhook', url: '${hook.url}/h', rateLimit: { max: 2, per: '30s' } } }, jobs: { j: { type: 'command', command: 'echo ok', notify: ['hook'], notifyOn: ['success'] } } }`,
      ),
    )
    const started = Date.now()
    for (let i = 0; i < 4; i++) await box.run(['run', 'j'])
    expect(hook.requests).toHaveLength(2)
    expect(rows(`select status from notifications order by id`).map((r) => r.status)).toEqual([
      'sent',
      'sent',
      'rate_limited',
    ])
    expect(rows(`select status from notices order by id`).map((r) => r.status)).toEqual([
      'sent',
      'sent',
      'pending',
      'pending',
    ])
    await new Promise((r) => setTimeout(r, Math.max(0, started + 30_500 - Date.now())))
    await box.run(['run', 'j'])
    expect(hook.requests).toHaveLength(3)
    const backlog = JSON.parse(hook.requests[2].body)
    const keys = rows(`select key from notices order by id`).map((r) => r.key)
    expect(backlog.id).toBe(keys[2])
    expect(backlog.coalesced).toEqual(keys.slice(3))
    expect(backlog.text).toMatch(/^3 successes of j since \d\d:\d\d UTC/)
    expect(rows(`select status, coalesced_into from notices order by id`).slice(2)).toEqual([
      { status: 'sent', coalesced_into: null },
      ...keys.slice(3).map(() => ({ status: 'sent', coalesced_into: keys[2] })),
    ])
  }, 60_000)

  it('--no-notify sends nothing', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { hook: { type: 'webhook', url: '${hook.url}/h' } }, jobs: { j: { type: 'command', command: 'exit 1', notify: ['hook'] } } }`,
      ),
    )
    await box.run(['run', 'j', '--no-notify'])
    expect(hook.requests).toHaveLength(0)
    expect(rows(`select count(*) as n from notices`)).toEqual([{ n: 0 }])
  })
})

describe('circuit breakers', () => {
  it('open after N failures: later runs (any process) are skipped circuit-open; after halfOpenAfter one trial closes it', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        resources: { 'db:wh': { breaker: { failures: 2, halfOpenAfter: '2s' } } },
        jobs: { q: { type: 'command', command: '${toggled}', resources: ['db:wh'] }, other: { type: 'command', command: 'true', resources: ['db:wh'] } },
      }`),
    )
    box.write('broken', '')
    await box.run(['run', 'q'])
    await box.run(['run', 'q'])
    const skipped = await box.run(['run', 'other', '--json'])
    expect(JSON.parse(skipped.stdout).runs[0]).toMatchObject({ status: 'skipped', reason: 'circuit-open' })
    expect(JSON.parse(skipped.stdout).runs[0].summary).toMatch(/^circuit db:wh is open until /)
    const breakers = JSON.parse((await box.run(['breakers', '--json'])).stdout).breakers
    expect(breakers).toEqual([expect.objectContaining({ name: 'db:wh', state: 'open', failures: 2, threshold: 2 })])
    await new Promise((r) => setTimeout(r, 2200))
    await import('node:fs').then((fs) => fs.rmSync(path.join(box.dir, 'broken')))
    expect(JSON.parse((await box.run(['run', 'q', '--json'])).stdout).runs[0].status).toBe('succeeded')
    expect(JSON.parse((await box.run(['breakers', '--json'])).stdout).breakers[0]).toMatchObject({
      state: 'closed',
      failures: 0,
    })
  })

  it('breakers reset closes one by hand', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ resources: { r: { breaker: { failures: 1, halfOpenAfter: '1h' } } }, jobs: { q: { type: 'command', command: 'exit 1', resources: ['r'] } } }`,
      ),
    )
    await box.run(['run', 'q'])
    expect(JSON.parse((await box.run(['breakers', '--json'])).stdout).breakers[0].state).toBe('open')
    expect((await box.run(['breakers', 'reset', 'r'])).code).toBe(0)
    expect(JSON.parse((await box.run(['breakers', '--json'])).stdout).breakers[0].state).toBe('closed')
    expect((await box.run(['breakers', 'reset', 'nope'])).code).toBe(2)
  })

  it('breakers reset on a configured breaker that never failed is fine; an unknown name gets a suggestion', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ resources: { 'db:warehouse': { breaker: { failures: 1, halfOpenAfter: '1h' } } }, jobs: { q: { type: 'command', command: 'true', resources: ['db:warehouse'] } } }`,
      ),
    )
    const ok = await box.run(['breakers', 'reset', 'db:warehouse'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('db:warehouse: closed')
    const typo = await box.run(['breakers', 'reset', 'db:warehose'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('No breaker "db:warehose" (did you mean "db:warehouse"?)')
  })
})

describe('dead letters', () => {
  it('a run that failed its last attempt becomes a dead letter; replay runs it again and resolves it', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { imp: { type: 'command', command: '${toggled}', env: { API_KEY: env('IMPORT_KEY') }, retry: { attempts: 2, delay: '10ms' } } } }`,
      ),
    )
    const env = { IMPORT_KEY: 'key-SECRET-4242' }
    box.write('broken', '')
    await box.run(['run', 'imp'], { env })
    const letters = JSON.parse((await box.run(['dlq', 'list', '--json'], { env })).stdout).deadLetters
    expect(letters).toEqual([expect.objectContaining({ id: 1, job: 'imp', attempts: 2, replays: 0, resolvedAt: null })])
    expect(letters[0].error).toContain('warehouse unreachable')
    const shown = JSON.parse((await box.run(['dlq', 'show', '1', '--json'], { env })).stdout)
    expect(shown.options.env.API_KEY).toBe('[redacted]')
    expect(JSON.stringify(rows('select * from dead_letters'))).not.toContain('key-SECRET-4242')

    expect((await box.run(['dlq', 'replay', '1'], { env })).code).toBe(3)
    await import('node:fs').then((fs) => fs.rmSync(path.join(box.dir, 'broken')))
    // The replay gets the real secret back from the config: the command sees it.
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { imp: { type: 'command', command: 'test "$API_KEY" = key-SECRET-4242', env: { API_KEY: env('IMPORT_KEY') }, retry: { attempts: 2, delay: '10ms' } } } }`,
      ),
    )
    const replay = await box.run(['dlq', 'replay', '1', '--json'], { env })
    expect(replay.code).toBe(0)
    expect(JSON.parse(replay.stdout).runs[0]).toMatchObject({ trigger: 'replay', status: 'succeeded' })
    const after = JSON.parse((await box.run(['dlq', 'list', '--all', '--json'], { env })).stdout).deadLetters[0]
    expect(after).toMatchObject({ replays: 2, resolvedByRun: JSON.parse(replay.stdout).runs[0].id })
    expect((await box.run(['dlq', 'replay', '1'], { env })).code).toBe(2)
    expect(JSON.parse((await box.run(['dlq', 'purge', '--older-than', '0s', '--json'], { env })).stdout)).toEqual({
      deleted: 1,
    })
  })
})

describe('dead letters, listing', () => {
  it('dlq list --all shows unresolved letters first', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { a: { type: 'command', command: 'exit 1' }, b: { type: 'command', command: '${toggled}' } } }`,
      ),
    )
    await box.run(['run', 'a'])
    box.write('broken', '')
    await box.run(['run', 'b'])
    await import('node:fs').then((fs) => fs.rmSync(path.join(box.dir, 'broken')))
    expect((await box.run(['dlq', 'replay', '2'])).code).toBe(0)
    const letters = JSON.parse((await box.run(['dlq', 'list', '--all', '--json'])).stdout).deadLetters
    expect(letters.map((l: { id: number; resolvedAt: string | null }) => [l.id, l.resolvedAt === null])).toEqual([
      [1, true],
      [2, false],
    ])
  })
})

describe('recovery rules and limits', () => {
  it('onFailure pauses the job and escalates once per cooldown; every automatic action is recorded', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { pager: { type: 'webhook', url: '${hook.url}/pager' } }, jobs: { j: { type: 'command', command: 'exit 1', onFailure: { after: 2, pause: true, escalate: ['pager'], cooldown: '1h' } } } }`,
      ),
    )
    for (let i = 0; i < 3; i++) await box.run(['run', 'j'])
    expect(hook.requests.map((r) => JSON.parse(r.body).title)).toEqual(['circadian: j keeps failing'])
    const status = JSON.parse((await box.run(['status', '--json'])).stdout)
    expect(status.jobs[0]).toMatchObject({
      paused: true,
      pauseReason: 'paused automatically after 2 consecutive failures',
      consecutiveFailures: 3,
    })
    expect(rows(`select action from actions order by id`).map((r) => r.action)).toEqual(['pause', 'escalate'])
  })

  it('an escalation is queued: the cooldown starts, and it is delivered once the pager answers; under --no-notify it is recorded undelivered', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { pager: { type: 'webhook', url: 'http://127.0.0.1:1/pager' } }, jobs: { j: { type: 'command', command: 'exit 1', onFailure: { after: 1, escalate: ['pager'], cooldown: '1h' } } } }`,
      ),
    )
    await box.run(['run', 'j', '--no-notify'])
    await box.run(['run', 'j'])
    await box.run(['run', 'j'])
    expect(rows(`select action from actions order by id`).map((r) => r.action)).toEqual([
      'escalate-undelivered',
      'escalate',
    ])
    expect(rows(`select event, status from notices`)).toEqual([{ event: 'escalation', status: 'failed' }])
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { pager: { type: 'webhook', url: '${hook.url}/pager' } }, jobs: { j: { type: 'command', command: 'exit 1', onFailure: { after: 1, escalate: ['pager'], cooldown: '1h' } } } }`,
      ),
    )
    expect(JSON.parse((await box.run(['notices', 'retry', '--all', '--json'])).stdout)).toEqual({ requeued: 1 })
    await box.run(['run', 'j'])
    expect(rows(`select action from actions order by id`).map((r) => r.action)).toEqual([
      'escalate-undelivered',
      'escalate',
    ])
    expect(hook.requests.filter((r) => r.url === '/pager').map((r) => JSON.parse(r.body).title)).toEqual([
      'circadian: j keeps failing',
    ])
    expect(rows(`select status from notices`)).toEqual([{ status: 'sent' }])
  }, 90_000)

  it('limits.memoryMb kills a command whose process tree grows past it (failed, memory-limit)', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { hog: { type: 'command', command: ['node', '-e', 'const a = []; setInterval(() => a.push(Buffer.alloc(20e6, 1)), 50)'], limits: { memoryMb: 150 }, timeout: '30s' } } }`,
      ),
    )
    const r = await box.run(['run', 'hog', '--json'])
    expect(r.code).toBe(3)
    const run = JSON.parse(r.stdout).runs[0]
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^killed: the process tree used \d+ MB, above its 150 MB limit$/)
    expect(rows(`select reason from runs`)).toEqual([{ reason: 'memory-limit' }])
  })
})
