import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../../../test/helpers/cli.js'
import { createTestDatabase } from '../../../test/helpers/databases.js'
import { startHttpCapture } from '../../../test/helpers/servers.js'
import { LISTING_COLUMNS, csv, listing } from './support/context.js'

const TEMPLATE = fileURLToPath(new URL('../templates/batch/', import.meta.url))

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

type Run = {
  job: string
  status: string
  reason?: string
  summary?: string
  error?: string
  data?: Record<string, unknown>
}

async function runAll(
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; runs: Record<string, Run>; stderr: string }> {
  const r = await box.run(['run', '--all', '--json', ...args], { timeoutMs: 120_000, env })
  const runs = Object.fromEntries((JSON.parse(r.stdout).runs as Run[]).map((x) => [x.job, x]))
  return { code: r.code, runs, stderr: r.stderr }
}

async function recommendations(user: string, extra: string[] = []) {
  const r = await box.run(['batch', 'recommendations', user, '--json', ...extra])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as {
    user: string
    run: { id: string } | null
    recommendations: Array<{
      rank: number
      section: string
      filled: boolean
      listing: { id: string }
      scores: { composite: number }
    }>
  }
}

describe('circadian init --template batch', () => {
  it('writes a pipeline and a sample feed that `run --all` imports, scores and matches at once', async () => {
    const init = await box.run(['init', '--template', 'batch'])
    expect(init.code, init.stderr).toBe(0)
    expect(init.stdout).toContain('wrote feeds/listings-partner-b.csv')
    // The Shift_JIS file arrives byte for byte (not re-encoded as text).
    const sjis = readFileSync(path.join(box.dir, 'feeds/listings-partner-b.csv'))
    expect(sjis.equals(readFileSync(path.join(TEMPLATE, 'feeds/listings-partner-b.csv')))).toBe(true)
    expect(iconv.decode(sjis, 'shift_jis')).toContain('株式会社')

    const validate = await box.run(['validate'])
    expect(validate.code, validate.stderr).toBe(0)
    const list = await box.run(['list'])
    expect(list.stdout).toMatch(/import_listings\s+batch-import\s+0 1 \* \* \*\s+Asia\/Tokyo/)
    expect(list.stdout).toMatch(/score\s+batch-score\s+0 \* \* \* \*\s+Asia\/Tokyo/)
    expect(list.stdout).toMatch(/match\s+batch-match\s+0 3 \* \* \*\s+Asia\/Tokyo/)

    const { code, runs } = await runAll()
    expect(code).toBe(0)
    expect(runs.import_listings).toMatchObject({ status: 'succeeded', data: { accepted: 298, rejected: 2 } })
    expect((runs.import_listings.data!.files as Array<{ encoding: string }>).map((f) => f.encoding)).toEqual([
      'utf-8',
      'shift_jis',
    ])
    expect(runs.import_listings.summary).toMatch(
      /^listings: 300 rows from 2 files \(utf-8\/shift_jis\) in [\d.]+s \([\d,]+ rows\/s\): 298 upserted, 2 rejected, 0 closed/,
    )
    for (const job of ['import_users', 'import_applications', 'import_activity', 'score'])
      expect(runs[job].status, job).toBe('succeeded')
    expect(runs.match).toMatchObject({ status: 'succeeded', summary: '40 recommendations for each of 12 users' })

    const u = await recommendations('U001')
    expect(u.recommendations).toHaveLength(40)
    expect(new Set(u.recommendations.map((x) => x.listing.id)).size).toBe(40)
    expect(u.recommendations.map((x) => x.section)).toEqual([
      ...Array(5).fill('editorial'),
      ...Array(5).fill('top'),
      ...Array(10).fill('regional'),
      ...Array(8).fill('nearby'),
      ...Array(7).fill('high-income'),
      ...Array(5).fill('new'),
    ])
    const text = await box.run(['batch', 'recommendations', 'U001'])
    expect(text.stdout).toMatch(
      /^Recommendations for user U001: 40 \(run \w{26} of match at .+ UTC\)\n#\s+SECTION\s+LISTING\s+TITLE/,
    )

    const rejects = await box.run(['batch', 'rejects', '--json'])
    const imports = JSON.parse(rejects.stdout).imports as Array<{
      job: string
      rejects: Array<{ line: number; externalId: string; reason: string }>
    }>
    expect(imports.find((i) => i.job === 'import_listings')!.rejects.map((r) => [r.line, r.externalId])).toEqual([
      [53, 'PA-0042'],
      [151, 'PA-0118'],
    ])
    const rejectFile = parse(readFileSync(path.join(box.dir, 'rejects/import_listings.csv'))) as string[][]
    expect(rejectFile.map((r) => r.slice(0, 4))).toEqual([
      ['file', 'line', 'reason', 'external_id'],
      [
        'feeds/listings-partner-a.csv',
        '53',
        'salary_min "応相談" is not an amount (a whole number such as 3500000 or 350万)',
        'PA-0042',
      ],
      ['feeds/listings-partner-a.csv', '151', 'salary_min (7200000) is greater than salary_max (7199999)', 'PA-0118'],
    ])

    // The same feed again: nothing changed, so score has nothing to do; match publishes a new set.
    const again = await runAll()
    expect(again.code).toBe(0)
    expect(again.runs.score.summary).toMatch(/^nothing changed since the last score/)
    expect((await recommendations('U001')).run!.id).not.toBe(u.run!.id)
  }, 180_000)
})

describe('the template on PostgreSQL, with failure notices', () => {
  const SQLITE_LINE = "    board: { client: 'sqlite', filename: 'data/board.db' },"

  it('runs the same pipeline once the connection points at PostgreSQL; the password never shows', async () => {
    const db = await createTestDatabase('pg')
    try {
      expect((await box.run(['init', '--template', 'batch'])).code).toBe(0)
      const config = readFileSync(path.join(box.dir, 'circadian.config.ts'), 'utf8')
      expect(config).toContain(SQLITE_LINE)
      writeFileSync(
        path.join(box.dir, 'circadian.config.ts'),
        config.replace(SQLITE_LINE, "    board: { client: 'pg', connection: env('BOARD_DATABASE_URL') },"),
      )
      // Trust auth ignores the password: it stands for a real one that must stay out of every output.
      const url = new URL(db.url)
      url.username = 'postgres'
      url.password = 'pw-Kx81-secret'
      const env = { BOARD_DATABASE_URL: url.toString() }

      const r = await box.run(['run', '--all', '--json'], { timeoutMs: 120_000, env })
      expect(r.code, r.stderr).toBe(0)
      const runs = Object.fromEntries((JSON.parse(r.stdout).runs as Run[]).map((x) => [x.job, x]))
      expect(runs.import_listings).toMatchObject({ status: 'succeeded', data: { accepted: 298, rejected: 2 } })
      expect((runs.import_listings.data!.files as Array<{ encoding: string }>).map((f) => f.encoding)).toEqual([
        'utf-8',
        'shift_jis',
      ])
      expect(runs.score.summary).toMatch(/^full score \(first score\): 298 listings scored/)
      expect(runs.match).toMatchObject({ status: 'succeeded', summary: '40 recommendations for each of 12 users' })

      const rec = await box.run(['batch', 'recommendations', 'U001', '--json'], { env })
      expect(rec.code, rec.stderr).toBe(0)
      const list = JSON.parse(rec.stdout).recommendations as Array<{ listing: { id: string }; section: string }>
      expect(list).toHaveLength(40)
      expect(new Set(list.map((x) => x.listing.id)).size).toBe(40)
      const rejects = await box.run(['batch', 'rejects', '--job', 'import_listings'], { env })
      expect(rejects.stdout).toContain('feeds/listings-partner-a.csv  53    PA-0042')

      const history = await box.run(['history', '--json'], { env })
      for (const out of [r.stdout, r.stderr, rec.stdout, rejects.stdout, history.stdout])
        expect(out).not.toContain('pw-Kx81-secret')
    } finally {
      await db.drop()
    }
  }, 180_000)

  it('sends a failure notice to Slack once BOARD_SLACK_WEBHOOK is set, and skips score and match', async () => {
    const slack = await startHttpCapture()
    try {
      expect((await box.run(['init', '--template', 'batch'])).code).toBe(0)
      // The template retries an import after 1 and 2 minutes; a test cannot wait that long.
      const config = readFileSync(path.join(box.dir, 'circadian.config.ts'), 'utf8')
      expect(config).toContain("misfireGrace: '5m'")
      writeFileSync(
        path.join(box.dir, 'circadian.config.ts'),
        config.replaceAll("delay: '1m', maxDelay: '10m'", "delay: '1s', maxDelay: '1s'"),
      )
      box.write('feeds/users.csv', 'id,name\nU001,broken feed\n')
      const hook = `${slack.url}/services/T0/B0/hook-Zq93-secret`

      const { code, runs, stderr } = await runAll([], { BOARD_SLACK_WEBHOOK: hook })
      expect(code, stderr).toBe(3)
      // A wrong header is permanent: one attempt, whatever the template's retry policy says.
      expect(runs.import_users).toMatchObject({
        status: 'failed',
        reason: 'permanent',
        attempts: 1,
        data: { feedError: 'header' },
      })
      expect(runs.import_listings.status).toBe('succeeded')
      expect(runs.score).toMatchObject({ status: 'skipped', reason: 'upstream-failed' })
      expect(runs.match).toMatchObject({ status: 'skipped', reason: 'upstream-failed' })

      const notice = slack.requests.find((req) => JSON.parse(req.body).text.includes('import_users failed'))
      expect(notice, JSON.stringify(slack.requests.map((req) => req.body))).toBeDefined()
      expect(notice!.url).toBe('/services/T0/B0/hook-Zq93-secret')
      expect(JSON.parse(notice!.body).text).toContain('wrong header for a users feed')
      const history = await box.run(['history', '--json'], { env: { BOARD_SLACK_WEBHOOK: hook } })
      for (const out of [JSON.stringify(runs), stderr, history.stdout]) expect(out).not.toContain('hook-Zq93-secret')

      // Without the variable the same config has no notifier and sends nothing.
      const before = slack.requests.length
      const quiet = await runAll()
      expect(quiet.runs.import_users.status).toBe('failed')
      expect(slack.requests.length).toBe(before)
    } finally {
      await slack.close()
    }
  }, 180_000)
})

describe('the pipeline through `circadian run --all`', () => {
  const pipeline = (connection: string, importPath = 'feeds/listings.csv') =>
    tsConfig(`{
      timezone: 'Asia/Tokyo',
      connections: { board: ${connection} },
      jobs: {
        import: { type: 'batch-import', connection: 'board', path: '${importPath}', mode: 'full', schedule: '0 1 * * *', priority: 'HIGH' },
        users: { type: 'batch-import', connection: 'board', kind: 'users', path: 'feeds/users.csv' },
        score: { type: 'batch-score', connection: 'board', schedule: '0 * * * *', after: ['import', 'users'] },
        match: { type: 'batch-match', connection: 'board', schedule: '0 3 * * *', after: ['score'] },
      },
    }`)

  function writeFeeds(count = 50) {
    box.write(
      'feeds/users.csv',
      csv(
        ['external_id', 'location'],
        [
          { external_id: 'U1', location: '東京都' },
          { external_id: 'U2', location: '大阪府' },
        ],
      ),
    )
    writeFileSync(
      path.join(box.dir, 'feeds/listings.csv'),
      iconv.encode(
        csv(
          LISTING_COLUMNS,
          Array.from({ length: count }, (_, i) => listing({ external_id: `E${i}`, company_name: `会社${i}` })),
        ),
        'shift_jis',
      ),
    )
  }

  it('a failed import skips score and match (upstream-failed) and leaves the published recommendations alone', async () => {
    box.write('circadian.config.ts', pipeline(`{ client: 'sqlite', filename: 'data/board.db' }`))
    writeFeeds()
    const ok = await runAll()
    expect(ok.code).toBe(0)
    const before = await recommendations('U1')
    expect(before.recommendations).toHaveLength(40)

    box.write('feeds/listings.csv', 'id,name\nE1,broken feed\n')
    const failed = await runAll()
    expect(failed.code).toBe(3)
    expect(failed.runs.import).toMatchObject({
      status: 'failed',
      reason: 'permanent',
      attempts: 1,
      data: { feedError: 'header' },
    })
    expect(failed.runs.import.error).toMatch(
      /^feeds\/listings\.csv: wrong header for a listings feed: missing external_id, title, company_name/,
    )
    expect(failed.runs.users.status).toBe('succeeded')
    expect(failed.runs.score).toMatchObject({
      status: 'skipped',
      reason: 'upstream-failed',
      summary: 'upstream job "import" failed',
    })
    expect(failed.runs.match).toMatchObject({
      status: 'skipped',
      reason: 'upstream-failed',
      summary: 'upstream job "score" was skipped',
    })
    expect(await recommendations('U1')).toEqual(before)

    const history = await box.run(['history', 'import', '--json'])
    expect(JSON.parse(history.stdout).runs[0]).toMatchObject({ status: 'failed', reason: 'permanent' })
  }, 120_000)

  it('runs the whole chain on PostgreSQL', async () => {
    const db = await createTestDatabase('pg')
    try {
      box.write('circadian.config.ts', pipeline(`{ client: 'pg', connection: '${db.url}' }`))
      writeFeeds(45)
      const { code, runs } = await runAll()
      expect(code, JSON.stringify(runs)).toBe(0)
      expect(runs.import.data).toMatchObject({ accepted: 45, rejected: 0 })
      expect(runs.match.summary).toBe('40 recommendations for each of 2 users')
      const u2 = await recommendations('U2')
      expect(u2.recommendations).toHaveLength(40)
      expect(u2.recommendations[0].scores.composite).toBeGreaterThan(0)
    } finally {
      await db.drop()
    }
  }, 120_000)

  it('two processes importing into one SQLite file at once both land', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        connections: { board: { client: 'sqlite', filename: 'data/board.db' } },
        jobs: {
          a: { type: 'batch-import', connection: 'board', path: 'a.csv', retry: { attempts: 3 } },
          b: { type: 'batch-import', connection: 'board', path: 'b.csv', retry: { attempts: 3 } },
        },
      }`),
    )
    box.write(
      'a.csv',
      csv(
        LISTING_COLUMNS,
        Array.from({ length: 2000 }, (_, i) => listing({ external_id: `A${i}` })),
      ),
    )
    box.write(
      'b.csv',
      csv(
        LISTING_COLUMNS,
        Array.from({ length: 2000 }, (_, i) => listing({ external_id: `B${i}` })),
      ),
    )
    const [a, b] = await Promise.all([
      box.run(['run', 'a'], { timeoutMs: 120_000 }),
      box.run(['run', 'b'], { timeoutMs: 120_000 }),
    ])
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0])
    const check = await box.run(['run', 'a', '--json'])
    expect(JSON.parse(check.stdout).runs[0].data).toMatchObject({ accepted: 2000 })
  }, 150_000)
})

describe('batch commands and options: bad input', () => {
  it('reports bad job options with their paths (exit 2)', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        connections: { board: { client: 'sqlite', filename: 'board.db' } },
        jobs: {
          imp: { type: 'batch-import', connection: 'bord', path: 'x.csv', encoding: 'latin1', mode: 'replace', kind: 'jobs' },
          quoted: { type: 'batch-import', connection: 'board', path: 'x.csv', delimiter: '"' },
          sc: { type: 'batch-score', connection: 'board', wage: { floor: 5000000, ceiling: 1000000 }, nearbyKm: -1 },
          mt: { type: 'batch-match', connection: 'board', excludeAppliedWithin: '14' },
        },
      }`),
    )
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    for (const path of [
      'jobs.imp.connection',
      'jobs.imp.encoding',
      'jobs.imp.mode',
      'jobs.imp.kind',
      'jobs.sc.wage.ceiling',
      'jobs.sc.nearbyKm',
      'jobs.mt.excludeAppliedWithin',
    ]) {
      expect(r.stderr, path).toContain(`${path}:`)
    }
    expect(r.stderr).toContain('jobs.sc.wage.ceiling: ceiling must be greater than floor')
    expect(r.stderr).toContain('jobs.quoted.delimiter: cannot be a quote or a line break')
  })

  it('recommendations: an unknown user, an unknown job and an ambiguous connection exit 2', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        connections: { one: { client: 'sqlite', filename: 'one.db' }, two: { client: 'sqlite', filename: 'two.db' } },
        jobs: {
          m1: { type: 'batch-match', connection: 'one' },
          m2: { type: 'batch-match', connection: 'two' },
          hello: { type: 'command', command: 'true' },
        },
      }`),
    )
    const ambiguous = await box.run(['batch', 'recommendations', 'U1'])
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.stderr).toContain(
      'the batch jobs use several connections: one (m1); two (m2); choose one with --job NAME or --connection NAME',
    )
    const notBatch = await box.run(['batch', 'recommendations', 'U1', '--job', 'hello'])
    expect(notBatch.code).toBe(2)
    expect(notBatch.stderr).toContain('--job: "hello" is not a batch-import/batch-score/batch-match job')
    const empty = await box.run(['batch', 'recommendations', 'U1', '--job', 'm1', '--json'])
    expect(empty.code).toBe(0)
    expect(JSON.parse(empty.stdout)).toEqual({ user: 'U1', run: null, recommendations: [] })
    const human = await box.run(['batch', 'recommendations', 'U1', '--connection', 'two'])
    expect(human.stdout).toContain('No recommendations have been published yet')
    const rejects = await box.run(['batch', 'rejects', '--connection', 'one'])
    expect(rejects.stdout).toContain('No imports recorded yet.')
  })

  it('recommendations for a user the feeds do not have: exit 2', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ connections: { board: { client: 'sqlite', filename: 'b.db' } }, jobs: { users: { type: 'batch-import', connection: 'board', kind: 'users', path: 'u.csv' } } }`,
      ),
    )
    box.write('u.csv', 'external_id\nU1\n')
    expect((await box.run(['run', '--all'])).code).toBe(0)
    const r = await box.run(['batch', 'recommendations', 'NOBODY'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      `no user "NOBODY" in the batch tables of connection "board" (users come from a batch-import job with kind: 'users')`,
    )
  })
})
