import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConnectionManager } from 'circadian'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importOptions } from '../src/job-types/import-options.js'
import { runImport } from '../src/import/run-import.js'
import { FeedError } from '../src/import/feed-error.js'
import { BatchProject, LISTING_COLUMNS, type Row, csv, listing } from './support/context.js'

const OPTIONAL = ['salary_period', 'fee', 'posted_at', 'latitude', 'longitude', 'editorial_pick', 'keywords']

describe.each(['sqlite', 'pg'] as const)('batch-import on %s', (kind) => {
  let p: BatchProject
  beforeEach(async () => {
    p = await BatchProject.create(kind)
  })
  afterEach(async () => {
    await p.close()
  })

  const listings = async () => (await p.db('batch_listings').orderBy('external_id')) as Array<Record<string, unknown>>

  it('streams UTF-8 (BOM, CRLF), Shift_JIS and CP932 files with Japanese text from one glob', async () => {
    const a = listing({
      external_id: 'A1',
      title: '看護師（夜勤あり）東京都',
      company_name: '医療法人さくら会',
      description: '病棟勤務です。\r\n未経験歓迎。',
      keywords: '看護、夜勤',
    })
    const b = listing({
      external_id: 'B1',
      title: '配送ドライバー 大阪府',
      company_name: '株式会社なにわ運輸',
      location: '大阪府',
      employment_type: '契約社員',
      salary_period: '月給',
      salary_min: 250_000,
      salary_max: 300_000,
    })
    const c = listing({
      external_id: 'C1',
      title: '㈱サクラ ①介護スタッフ',
      company_name: '㈱サクラ',
      location: '神奈川県',
      employment_type: 'パート',
      salary_period: '時給',
      salary_min: 1_200,
      salary_max: 1_500,
      description: 'ﾃﾞｲｻｰﾋﾞｽでのお仕事',
    })
    p.write('feeds/listings-a.csv', csv([...LISTING_COLUMNS, 'keywords'], [a], '\r\n'), 'utf-8-bom')
    p.write('feeds/listings-b.csv', csv([...LISTING_COLUMNS, 'salary_period'], [b]), 'shift_jis')
    p.write('feeds/listings-c.csv', csv([...LISTING_COLUMNS, 'salary_period'], [c]), 'cp932')

    const result = await p.importFeed({ path: 'feeds/listings-*.csv' })
    expect(result.status).toBe('ok')
    const data = result.data as {
      files: Array<{ file: string; encoding: string; detected: boolean }>
      accepted: number
      rejected: number
    }
    expect(data.files.map((f) => [f.file, f.encoding, f.detected])).toEqual([
      ['feeds/listings-a.csv', 'utf-8', true],
      ['feeds/listings-b.csv', 'shift_jis', true],
      ['feeds/listings-c.csv', 'cp932', true],
    ])
    expect([data.accepted, data.rejected]).toEqual([3, 0])
    const rows = await listings()
    expect(rows.map((r) => [r.external_id, r.title, r.company_name, r.location])).toEqual([
      ['A1', '看護師（夜勤あり）東京都', '医療法人さくら会', '東京都'],
      ['B1', '配送ドライバー 大阪府', '株式会社なにわ運輸', '大阪府'],
      ['C1', '㈱サクラ ①介護スタッフ', '㈱サクラ', '神奈川県'],
    ])
    expect(rows[0].description).toBe('病棟勤務です。\r\n未経験歓迎。')
    expect(rows[0].keywords).toBe('看護 夜勤')
    expect(
      rows.map((r) => [r.employment_type, r.salary_period, Number(r.annual_salary_min), Number(r.annual_salary_max)]),
    ).toEqual([
      ['full_time', 'year', 4_000_000, 6_000_000],
      ['contract', 'month', 3_000_000, 3_600_000],
      ['part_time', 'hour', 2_400_000, 3_000_000],
    ])
    expect(rows.map((r) => [r.company_key, r.location_key])).toEqual([
      ['医療法人さくら会', '東京都'],
      ['株式会社なにわ運輸', '大阪府'],
      ['(株)サクラ', '神奈川県'],
    ])
    expect(result.summary).toMatch(
      /^listings: 3 rows from 3 files \(utf-8\/shift_jis\/cp932\) in [\d.]+s \([\d,]+ rows\/s\): 3 upserted, 0 rejected$/,
    )
  })

  it('rejects bad rows with their line and reason, and lands the good ones', async () => {
    const columns = [...LISTING_COLUMNS, 'posted_at', 'editorial_pick']
    const rows = [
      listing({ external_id: 'OK1' }),
      listing({ external_id: 'BAD-TYPE', salary_min: '応相談' }),
      listing({ external_id: 'BAD-RANGE', salary_min: 7_000_000, salary_max: 6_000_000 }),
      listing({ external_id: 'BAD-EMPTY', title: '' }),
      listing({ external_id: 'BAD-DATE', posted_at: '2026-02-30' }),
      listing({ external_id: 'BAD-PICK', editorial_pick: 'perhaps' }),
      listing({ external_id: 'OK2', description: '二行の\n説明' }),
    ]
    const text =
      csv(columns, rows) +
      'SHORT,タイトル,会社\n' +
      'QUOTE,x"y,会社,東京都,full_time,1,2,d,,\n' +
      csv(columns, [listing({ external_id: 'OK3' })]).split('\n')[1] +
      '\n'
    p.write('feeds/listings.csv', text, 'shift_jis')

    const result = await p.importFeed(
      { path: 'feeds/listings.csv', rejectFile: 'rejects/{job}-{run}.csv' },
      'partner_feed',
    )
    const data = result.data as { rows: number; accepted: number; rejected: number; rejectFile: string }
    expect([data.rows, data.accepted, data.rejected]).toEqual([10, 3, 7])
    expect((await listings()).map((r) => r.external_id)).toEqual(['OK1', 'OK2', 'OK3'])
    const rejects = await p
      .db('batch_rejects')
      .orderBy('line')
      .select('line', 'external_id', 'reason', 'file', 'job', 'kind')
    expect(rejects.map((r) => [Number(r.line), r.external_id, r.reason])).toEqual([
      [3, 'BAD-TYPE', 'salary_min "応相談" is not an amount (a whole number such as 3500000 or 350万)'],
      [4, 'BAD-RANGE', 'salary_min (7000000) is greater than salary_max (6000000)'],
      [5, 'BAD-EMPTY', 'title is empty'],
      [6, 'BAD-DATE', 'posted_at "2026-02-30" is not a real date'],
      [7, 'BAD-PICK', 'editorial_pick "perhaps" is not a yes/no value (use 1/0, true/false or yes/no)'],
      [10, 'SHORT', 'has 3 fields; the header has 10'],
      [11, null, expect.stringMatching(/^not valid CSV: a quote/)],
    ])
    expect(
      rejects.every((r) => r.file === 'feeds/listings.csv' && r.job === 'partner_feed' && r.kind === 'listings'),
    ).toBe(true)
    expect(result.summary).toMatch(/3 upserted, 7 rejected; see: circadian batch rejects --job partner_feed$/)

    const file = readFileSync(data.rejectFile, 'utf8')
    expect(path.basename(data.rejectFile)).toMatch(/^partner_feed-01TEST\w+\.csv$/)
    const lines = file.trim().split('\n')
    expect(lines[0]).toBe(`file,line,reason,${LISTING_COLUMNS.join(',')},${OPTIONAL.join(',')}`)
    expect(lines[1]).toMatch(
      /^feeds\/listings\.csv,3,"salary_min ""応相談"" is not an amount \(a whole number such as 3500000 or 350万\)",BAD-TYPE,エンジニア募集/,
    )
    expect(lines).toHaveLength(8)
  })

  it('fails on a wrong header with a clear message and changes nothing', async () => {
    p.write('feeds/a.csv', csv(LISTING_COLUMNS, [listing({ external_id: 'KEEP', title: '元のタイトル' })]))
    await p.importFeed({ path: 'feeds/*.csv', mode: 'full' })
    const before = await listings()

    p.write(
      'feeds/a.csv',
      csv(LISTING_COLUMNS, [
        listing({ external_id: 'KEEP', title: '新しいタイトル' }),
        listing({ external_id: 'NEW' }),
      ]),
    )
    p.write(
      'feeds/b.csv',
      csv(['id', 'title', 'company', 'location', 'type', 'salary_min', 'salary_max', 'description'], [{ id: 'X' }]),
    )
    const attempt = p.importFeed({ path: 'feeds/*.csv', mode: 'full' })
    await expect(attempt).rejects.toThrow(FeedError)
    await expect(attempt).rejects.toThrow(
      'feeds/b.csv: wrong header for a listings feed: missing external_id, company_name, employment_type (found: id, title, company, location, type, salary_min, salary_max, description; required: external_id, title, company_name, location, employment_type, salary_min, salary_max, description)',
    )
    expect(await listings()).toEqual(before)
    expect(await p.db('batch_imports').count({ n: '*' }).first()).toEqual({ n: kind === 'pg' ? '1' : 1 })
  })

  it('an empty file and a missing file fail the run', async () => {
    p.write('feeds/empty.csv', '')
    await expect(p.importFeed({ path: 'feeds/empty.csv' })).rejects.toThrow(
      'feeds/empty.csv: the file is empty (a listings feed needs a header: external_id, title, company_name, location, employment_type, salary_min, salary_max, description)',
    )
    await expect(p.importFeed({ path: 'feeds/none-*.csv' })).rejects.toThrow(
      `no file matches feeds/none-*.csv (in ${p.dir})`,
    )
    await expect(p.importFeed({ path: 'feeds/missing.csv' })).rejects.toThrow(
      `feeds/missing.csv does not exist (in ${p.dir})`,
    )
  })

  it('upserts by external_id: a re-import updates and never duplicates; unchanged rows keep their change', async () => {
    p.write(
      'feeds/l.csv',
      csv(LISTING_COLUMNS, [listing({ external_id: 'A', title: '初版' }), listing({ external_id: 'B' })]),
    )
    await p.importFeed({ path: 'feeds/l.csv' })
    const first = await listings()
    p.write(
      'feeds/l.csv',
      csv(LISTING_COLUMNS, [
        listing({ external_id: 'A', title: '第二版', salary_max: 6_500_000 }),
        listing({ ...first[1], external_id: 'B', title: String(first[1].title) }),
      ]),
    )
    p.now += 1000
    const again = await p.importFeed({ path: 'feeds/l.csv' })
    const second = await listings()
    expect(second.map((r) => [r.external_id, r.title, Number(r.salary_max)])).toEqual([
      ['A', '第二版', 6_500_000],
      ['B', first[1].title, Number(first[1].salary_max)],
    ])
    expect(second.map((r) => Number(r.id))).toEqual(first.map((r) => Number(r.id)))
    const seq = (again.data as { changeSeq: number }).changeSeq
    expect(Number(second[0].change_seq)).toBe(seq)
    expect(Number(second[1].change_seq)).toBe(Number(first[1].change_seq))
    expect(second[0].first_seen_at).toBe(first[0].first_seen_at)
    expect(second[0].last_seen_at).not.toBe(first[0].last_seen_at)
  })

  it('repeated ids in one feed: one listing, the later row wins', async () => {
    p.write(
      'feeds/l.csv',
      csv(LISTING_COLUMNS, [
        listing({ external_id: 'D', title: '一回目' }),
        listing({ external_id: 'E' }),
        listing({ external_id: 'D', title: '二回目' }),
      ]),
    )
    const result = await p.importFeed({ path: 'feeds/l.csv' })
    expect((await listings()).map((r) => [r.external_id, r.title])).toEqual([
      ['D', '二回目'],
      ['E', 'エンジニア募集 東京都 未経験歓迎'],
    ])
    expect((result.data as { duplicates: number }).duplicates).toBe(1)
    expect(result.summary).toContain('1 repeated id (later row kept)')
  })

  it('repeated ids of a listing stored before, across two files of one import: counted, the last row wins', async () => {
    p.write('feeds/old.csv', csv(LISTING_COLUMNS, [listing({ external_id: 'R', title: '旧' })]))
    await p.importFeed({ path: 'feeds/old.csv' })
    p.write(
      'feeds/x1.csv',
      csv(LISTING_COLUMNS, [
        listing({ external_id: 'R', title: '一' }),
        listing({ external_id: 'S' }),
        listing({ external_id: 'R', title: '二' }),
      ]),
    )
    p.write(
      'feeds/x2.csv',
      csv(LISTING_COLUMNS, [listing({ external_id: 'S' }), listing({ external_id: 'R', title: '三' })]),
    )
    p.now += 1000
    const result = await p.importFeed({ path: 'feeds/x*.csv' })
    expect(result.data).toMatchObject({ accepted: 5, duplicates: 3 })
    const rows = await listings()
    expect(rows.map((r) => [r.external_id, r.title])).toEqual([
      ['R', '三'],
      ['S', 'エンジニア募集 東京都 未経験歓迎'],
    ])
    expect(Number(rows[0].change_seq)).toBe((result.data as { changeSeq: number }).changeSeq)
    // A re-import of the same files has the same repeats, no more (the earlier import's rows are not repeats).
    p.now += 1000
    expect((await p.importFeed({ path: 'feeds/x*.csv' })).data).toMatchObject({ accepted: 5, duplicates: 3 })
  })

  it("full mode closes the source's listings the feed no longer has; a listing that returns reopens", async () => {
    p.write(
      'feeds/a.csv',
      csv(
        LISTING_COLUMNS,
        ['A1', 'A2', 'A3'].map((id) => listing({ external_id: id })),
      ),
    )
    p.write('feeds/b.csv', csv(LISTING_COLUMNS, [listing({ external_id: 'B1' })]))
    await p.importFeed({ path: 'feeds/a.csv', mode: 'full' }, 'partner_a')
    await p.importFeed({ path: 'feeds/b.csv', mode: 'full' }, 'partner_b')

    // A2 is gone; A3 comes with a bad salary (rejected, but still in the feed: not closed).
    p.write(
      'feeds/a.csv',
      csv(LISTING_COLUMNS, [listing({ external_id: 'A1' }), listing({ external_id: 'A3', salary_min: 'x' })]),
    )
    const result = await p.importFeed({ path: 'feeds/a.csv', mode: 'full' }, 'partner_a')
    expect((result.data as { absent: number }).absent).toBe(1)
    expect(result.summary).toContain('1 closed (not in the full feed)')
    expect((await listings()).map((r) => [r.external_id, r.status, r.source])).toEqual([
      ['A1', 'open', 'partner_a'],
      ['A2', 'closed', 'partner_a'],
      ['A3', 'open', 'partner_a'],
      ['B1', 'open', 'partner_b'],
    ])

    p.write('feeds/delta.csv', csv(LISTING_COLUMNS, [listing({ external_id: 'A2' })]))
    await p.importFeed({ path: 'feeds/delta.csv' }, 'partner_a')
    expect((await listings()).map((r) => r.status)).toEqual(['open', 'open', 'open', 'open'])
  })

  it('refuses a full feed without a single valid row (it would close everything)', async () => {
    p.write('feeds/a.csv', csv(LISTING_COLUMNS, [listing({ external_id: 'A1' })]))
    await p.importFeed({ path: 'feeds/a.csv', mode: 'full' })
    p.write('feeds/a.csv', csv(LISTING_COLUMNS, [listing({ external_id: 'A1', salary_max: 'oops' })]))
    await expect(p.importFeed({ path: 'feeds/a.csv', mode: 'full' })).rejects.toThrow(
      /the full listings feed has no valid rows; refusing to retire every listing of source "import"/,
    )
    expect((await listings()).map((r) => r.status)).toEqual(['open'])
    expect(await p.db('batch_rejects').count({ n: '*' }).first()).toEqual({ n: kind === 'pg' ? '0' : 0 })
  })

  it('imports users, applications and activity from their own files', async () => {
    p.write(
      'users.csv',
      csv(
        [
          'external_id',
          'location',
          'latitude',
          'longitude',
          'employment_type',
          'desired_salary',
          'desired_salary_period',
          'keywords',
        ],
        [
          {
            external_id: 'U1',
            location: '東京都',
            latitude: 35.68,
            longitude: 139.69,
            employment_type: '正社員',
            desired_salary: '500万',
            keywords: 'Java リモート',
          },
          { external_id: 'U2', desired_salary: 1500, desired_salary_period: '時給' },
          { external_id: '', location: '大阪府' },
        ],
      ),
      'cp932',
    )
    p.write(
      'applications.csv',
      csv(
        ['user_id', 'listing_id', 'applied_at'],
        [
          { user_id: 'U1', listing_id: 'L1', applied_at: '2026/11/10 10:00' },
          { user_id: 'U1', listing_id: 'L2', applied_at: 'someday' },
        ],
      ),
    )
    p.write(
      'activity.csv',
      csv(
        ['user_id', 'listing_id', 'event', 'occurred_at', 'count'],
        [
          { user_id: 'U1', listing_id: 'L1', event: 'view', occurred_at: '2026-11-10', count: 3 },
          { user_id: '', listing_id: 'L1', event: 'クリック', occurred_at: '2026-11-10', count: 2 },
          { user_id: 'U2', listing_id: 'L1', event: 'apply' },
        ],
      ),
    )
    const users = await p.importFeed({ kind: 'users', path: 'users.csv' })
    const apps = await p.importFeed({ kind: 'applications', path: 'applications.csv', feedTimezone: 'Asia/Tokyo' })
    const activity = await p.importFeed({ kind: 'activity', path: 'activity.csv' })
    expect(
      [users.data, apps.data, activity.data].map((d) => [
        (d as { accepted: number }).accepted,
        (d as { rejected: number }).rejected,
      ]),
    ).toEqual([
      [2, 1],
      [1, 1],
      [2, 1],
    ])
    const u = await p.db('batch_users').orderBy('external_id')
    expect(u.map((r) => [r.external_id, r.location, r.employment_type, Number(r.desired_salary), r.keywords])).toEqual([
      ['U1', '東京都', 'full_time', 5_000_000, 'java リモート'],
      ['U2', null, null, 3_000_000, ''],
    ])
    expect(await p.db('batch_applications').select('user_id', 'listing_id', 'applied_at')).toEqual([
      { user_id: 'U1', listing_id: 'L1', applied_at: '2026-11-10T01:00:00.000Z' },
    ])
    expect(
      (await p.db('batch_activity').orderBy('user_id').select('user_id', 'event', 'views', 'clicks')).map((r) => [
        r.user_id,
        r.event,
        Number(r.views),
        Number(r.clicks),
      ]),
    ).toEqual([
      ['', 'click', 0, 2],
      ['U1', 'view', 3, 0],
    ])
    const reasons = (await p.db('batch_rejects').orderBy('kind').select('kind', 'reason')).map(
      (r) => `${r.kind}: ${r.reason}`,
    )
    expect(reasons).toEqual([
      'activity: event "apply" is not view or click',
      'applications: applied_at "someday" is not a date (use 2026-03-01, 2026/03/01 or 2026-03-01T09:00:00+09:00)',
      'users: external_id is empty',
    ])
  })

  it('takes activity as counts (views, clicks) as well as events, and user_id for a users feed', async () => {
    p.write(
      'activity.csv',
      csv(
        ['listing_id', 'views', 'clicks'],
        [
          { listing_id: 'L1', views: 120, clicks: 7 },
          { listing_id: 'L2', views: 'many' },
        ],
      ),
    )
    const activity = await p.importFeed({ kind: 'activity', path: 'activity.csv' })
    expect(activity.data).toMatchObject({ accepted: 1, rejected: 1 })
    expect(
      (await p.db('batch_activity').select('user_id', 'listing_id', 'event', 'views', 'clicks')).map((r) => [
        r.user_id,
        r.listing_id,
        r.event,
        Number(r.views),
        Number(r.clicks),
      ]),
    ).toEqual([['', 'L1', 'counts', 120, 7]])
    p.write('bad-activity.csv', csv(['listing_id', 'user_id'], [{ listing_id: 'L1' }]))
    await expect(p.importFeed({ kind: 'activity', path: 'bad-activity.csv' })).rejects.toThrow(
      'bad-activity.csv: wrong header for an activity feed: it needs one of event, views, clicks (found: listing_id, user_id)',
    )

    p.write('users.csv', csv(['user_id', 'location'], [{ user_id: 'U9', location: '札幌市' }]))
    await p.importFeed({ kind: 'users', path: 'users.csv' })
    expect(await p.db('batch_users').select('external_id', 'location')).toEqual([
      { external_id: 'U9', location: '札幌市' },
    ])
  })

  it('reports rows per second and rejects in the run data', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) =>
      listing({ external_id: `P${i}`, salary_min: i % 1000 === 0 ? 'x' : 4_000_000 }),
    )
    p.write('feeds/big.csv', csv(LISTING_COLUMNS, rows))
    const result = await p.importFeed({ path: 'feeds/big.csv' })
    const data = result.data as {
      rows: number
      accepted: number
      rejected: number
      rowsPerSecond: number
      seconds: number
    }
    expect([data.rows, data.accepted, data.rejected]).toEqual([3000, 2997, 3])
    expect(data.rowsPerSecond).toBeGreaterThan(0)
    expect(data.seconds).toBeGreaterThanOrEqual(0)
  })

  it('stops when the job is aborted, and changes nothing', async () => {
    p.write(
      'feeds/big.csv',
      csv(
        LISTING_COLUMNS,
        Array.from({ length: 20_000 }, (_, i) => listing({ external_id: `Q${i}` })),
      ),
    )
    const controller = new AbortController()
    const ctx = p.context('import', 'batch-import', controller.signal)
    setTimeout(() => controller.abort(new Error('timed out')), 50)
    await expect(runImport(ctx, importOptions.parse({ connection: 'board', path: 'feeds/big.csv' }))).rejects.toThrow()
    expect(await listings()).toEqual([])
  })
})

describe.each(['pg', 'mysql'] as const)('concurrent imports on %s', (kind) => {
  it('two imports (and their first migrations) at once on one database both land', async () => {
    const p = await BatchProject.create(kind)
    const other = new ConnectionManager({ board: p.database.config }, p.dir)
    await other.prepare()
    try {
      p.write(
        'a.csv',
        csv(
          LISTING_COLUMNS,
          Array.from({ length: 300 }, (_, i) => listing({ external_id: `A${i}` })),
        ),
      )
      p.write(
        'b.csv',
        csv(
          LISTING_COLUMNS,
          Array.from({ length: 300 }, (_, i) => listing({ external_id: `B${i}` })),
        ),
      )
      const second = p.context('import_b', 'batch-import')
      const results = await Promise.all([
        p.importFeed({ path: 'a.csv', mode: 'full' }, 'import_a'),
        runImport(
          { ...second, db: () => other.get('board') },
          importOptions.parse({ connection: 'board', path: 'b.csv', mode: 'full' }),
        ),
      ])
      expect(results.map((r) => (r.data as { accepted: number }).accepted)).toEqual([300, 300])
      expect(new Set(results.map((r) => (r.data as { changeSeq: number }).changeSeq))).toEqual(new Set([1, 2]))
      const counts = (await p
        .db('batch_listings')
        .select('source')
        .count({ n: '*' })
        .groupBy('source')
        .orderBy('source')) as Array<{ source: string; n: unknown }>
      expect(counts.map((c) => [c.source, Number(c.n)])).toEqual([
        ['import_a', 300],
        ['import_b', 300],
      ])
    } finally {
      await other.closeAll()
      await p.close()
    }
  })
})

describe('batch-import on mysql (MariaDB)', () => {
  it('imports, rejects and upserts', async () => {
    const p = await BatchProject.create('mysql')
    try {
      p.write(
        'l.csv',
        csv(LISTING_COLUMNS, [
          listing({ external_id: 'M1', title: '看護師 ㈱①' }),
          listing({ external_id: 'M2', salary_max: 1 }),
          listing({ external_id: 'M1', title: '更新' }),
        ]),
        'cp932',
      )
      const result = await p.importFeed({ path: 'l.csv' })
      expect(result.data).toMatchObject({ accepted: 2, rejected: 1, duplicates: 1 })
      expect(await p.db('batch_listings').select('external_id', 'title')).toEqual([
        { external_id: 'M1', title: '更新' },
      ])
    } finally {
      await p.close()
    }
  })
})

describe.each(['sqlite', 'pg', 'mysql'] as const)('what a re-import counts as a change, on %s', (kind) => {
  it('moves change_seq for a change in any one value (case, NULL vs a value, a number) and for a reopened row, never for an equal row', async () => {
    const p = await BatchProject.create(kind)
    try {
      const columns = [...LISTING_COLUMNS, 'fee', 'latitude', 'longitude', 'keywords']
      const base = { fee: '', latitude: '35.6895', longitude: '139.6917', keywords: 'java' }
      const rows = (edits: Record<string, Row>) =>
        ['SAME', 'CASE', 'FEE', 'LAT', 'GONE'].map((id) =>
          listing({ external_id: id, title: 'Java Engineer', ...base, ...(edits[id] ?? {}) }),
        )
      p.write('l.csv', csv(columns, rows({})))
      await p.importFeed({ path: 'l.csv', mode: 'full' })
      const seqOf = async () =>
        Object.fromEntries(
          (
            (await p.db('batch_listings').select('external_id', 'change_seq')) as Array<{
              external_id: string
              change_seq: unknown
            }>
          ).map((r) => [r.external_id, Number(r.change_seq)]),
        )
      const first = await seqOf()

      // GONE is left out of a full feed (closed), then comes back (reopened).
      p.write(
        'l.csv',
        csv(
          columns,
          rows({ CASE: { title: 'JAVA Engineer' }, FEE: { fee: '3000' }, LAT: { latitude: '35.6896' } }).filter(
            (r) => r.external_id !== 'GONE',
          ),
        ),
      )
      p.now += 1000
      const second = await p.importFeed({ path: 'l.csv', mode: 'full' })
      const seq2 = (second.data as { changeSeq: number }).changeSeq
      expect(await seqOf()).toEqual({ SAME: first.SAME, CASE: seq2, FEE: seq2, LAT: seq2, GONE: seq2 })

      p.write(
        'l.csv',
        csv(columns, rows({ CASE: { title: 'JAVA Engineer' }, FEE: { fee: '3000' }, LAT: { latitude: '35.6896' } })),
      )
      p.now += 1000
      const third = await p.importFeed({ path: 'l.csv', mode: 'full' })
      const seq3 = (third.data as { changeSeq: number }).changeSeq
      expect(await seqOf()).toEqual({ SAME: first.SAME, CASE: seq2, FEE: seq2, LAT: seq2, GONE: seq3 })
    } finally {
      await p.close()
    }
  })
})
