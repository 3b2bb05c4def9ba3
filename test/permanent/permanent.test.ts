import { readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { type HttpCapture, startHttpCapture } from '../helpers/servers.js'

let box: Sandbox
let hook: HttpCapture
beforeEach(async () => {
  box = sandbox()
  hook = await startHttpCapture()
})
afterEach(async () => {
  await hook.close()
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

/** Each attempt appends a line to `attempts.log`, then exits with the code given. */
const counting = (code: number) => `echo x >> attempts.log; echo "bad usage" >&2; exit ${code}`

describe('permanent failures are not retried', () => {
  it('command: an exit code listed in permanentExitCodes fails after one attempt, reason permanent, still a dead letter and a notice', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        notifiers: { hook: { type: 'webhook', url: '${hook.url}/hook' } },
        jobs: {
          usage: { type: 'command', command: '${counting(64)}', permanentExitCodes: [64], retry: { attempts: 4, backoff: 'fixed', delay: '10ms' }, notify: ['hook'] },
        },
      }`),
    )
    const result = await box.run(['run', 'usage', '--json'])
    expect(result.code).toBe(3)
    const outcome = JSON.parse(result.stdout).runs[0]
    expect(outcome).toMatchObject({ status: 'failed', reason: 'permanent', attempts: 1 })
    expect(outcome.error).toContain('exit code 64: bad usage')
    expect(readFileSync(path.join(box.dir, 'attempts.log'), 'utf8')).toBe('x\n')
    expect(rows('select count(*) as n from run_attempts')[0].n).toBe(1)
    expect(rows('select job, attempts from dead_letters')).toEqual([{ job: 'usage', attempts: 1 }])
    const notice = JSON.parse(hook.requests.find((r) => r.url === '/hook')!.body)
    expect(notice.fields).toMatchObject({ job: 'usage', status: 'failed', attempts: 1 })
    const history = JSON.parse((await box.run(['history', 'usage', '--json'])).stdout)
    expect(history.runs[0]).toMatchObject({ status: 'failed', reason: 'permanent' })
  })

  it('command: an exit code not listed goes through the whole retry policy (the old behaviour, unchanged)', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { flaky: { type: 'command', command: '${counting(3)}', permanentExitCodes: [64], retry: { attempts: 3, backoff: 'fixed', delay: '10ms' } } } }`,
      ),
    )
    const outcome = JSON.parse((await box.run(['run', 'flaky', '--json'])).stdout).runs[0]
    expect(outcome).toMatchObject({ status: 'failed', reason: 'exit-code', attempts: 3 })
    expect(rows('select count(*) as n from run_attempts')[0].n).toBe(3)
  })

  it('permanentExitCodes is validated: a bad value is a config error naming the key, exit 2', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { bad: { type: 'command', command: 'true', permanentExitCodes: [0] } } }`),
    )
    const result = await box.run(['validate'])
    expect(result.code).toBe(2)
    expect(result.stderr + result.stdout).toContain('jobs.bad.permanentExitCodes')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
