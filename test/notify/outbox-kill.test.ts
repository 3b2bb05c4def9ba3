import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { noticeReceiver } from './receiver.js'
import { startServe, until } from './serve-process.js'

/**
 * kill -9 of serve while runs keep ending (issue 20 §1): every job here notifies on each success, so every
 * succeeded run must have its notice row, whenever the process died. Read in one query after each kill.
 */
let box: Sandbox
let receiver: Awaited<ReturnType<typeof noticeReceiver>>
const children: Array<ReturnType<typeof startServe>> = []
beforeEach(async () => {
  box = sandbox()
  receiver = await noticeReceiver()
})
afterEach(async () => {
  for (const s of children.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL')
  await receiver.close()
  box.cleanup()
})

const one = (sql: string) => {
  const d = new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })
  try {
    return d.prepare(sql).get() as Record<string, number>
  } finally {
    d.close()
  }
}

describe('kill -9 while runs end', () => {
  it('never leaves a succeeded run without its notice', async () => {
    receiver.refuse()
    const jobs = Array.from(
      { length: 8 },
      (_, i) =>
        `j${i}: { type: 'command', schedule: '* * * * * *', command: 'true', notify: ['hook'], notifyOn: ['success'] }`,
    )
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { hook: { type: 'webhook', url: '${receiver.url}/n', rateLimit: { max: 100000, per: '1h' } } }, jobs: { ${jobs.join(', ')} } }`,
      ),
    )
    for (let round = 0; round < 4; round++) {
      const s = startServe(box.dir, box.env)
      children.push(s)
      await s.serving()
      const before = one(`select count(*) as n from runs where status = 'succeeded'`).n
      await until(
        () => one(`select count(*) as n from runs where status = 'succeeded'`).n >= before + 8,
        20_000,
        'runs to end',
      )
      // Kill in the middle of a second's burst of run ends.
      await new Promise((r) => setTimeout(r, 1000 + round * 137))
      s.child.kill('SIGKILL')
      await s.exited
      const orphans = one(
        `select count(*) as n from runs r where r.status = 'succeeded' and not exists (select 1 from notices n where n.run_id = r.id)`,
      ).n
      expect(orphans, `round ${round}`).toBe(0)
    }
    expect(one(`select count(*) as n from runs where status = 'succeeded'`).n).toBeGreaterThan(30)
  }, 120_000)
})
