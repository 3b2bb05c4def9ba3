import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConnectionManager, type JobContext, type RunResult } from 'circadian'
import iconv from 'iconv-lite'
import type { Knex } from 'knex'
import { type DatabaseKind, type TestDatabase, createTestDatabase } from '../../../../test/helpers/databases.js'
import { importOptions } from '../../src/job-types/import-options.js'
import { matchOptions } from '../../src/job-types/match-options.js'
import { scoreOptions } from '../../src/job-types/score-options.js'
import { runImport } from '../../src/import/run-import.js'
import { runMatch } from '../../src/match/run-match.js'
import { runScore } from '../../src/score/run-score.js'

export const DAY = 24 * 3600 * 1000

/**
 * A batch project for one test: a temp config directory for feed files, a database of its own (SQLite file,
 * or a fresh PostgreSQL/MariaDB database), and job contexts like the ones `circadian run` builds.
 */
export class BatchProject {
  readonly dir: string
  now: number
  private runs = 0
  readonly logs: string[] = []

  private constructor(
    readonly database: TestDatabase,
    private readonly connections: ConnectionManager,
    readonly db: Knex,
  ) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-batch-'))
    this.now = Date.parse('2026-11-20T03:00:00Z')
  }

  static async create(kind: DatabaseKind = 'sqlite'): Promise<BatchProject> {
    const database = await createTestDatabase(kind)
    const connections = new ConnectionManager({ board: database.config }, os.tmpdir())
    await connections.prepare()
    return new BatchProject(database, connections, connections.get('board'))
  }

  /** Writes a feed file: text in the given encoding (`utf-8-bom` adds a byte-order mark), or raw bytes. */
  write(
    file: string,
    content: string | Buffer,
    encoding: 'utf-8' | 'utf-8-bom' | 'shift_jis' | 'cp932' | 'euc-jp' = 'utf-8',
  ): string {
    const full = path.join(this.dir, file)
    mkdirSync(path.dirname(full), { recursive: true })
    let bytes: Buffer
    if (Buffer.isBuffer(content)) bytes = content
    else if (encoding === 'utf-8') bytes = Buffer.from(content, 'utf8')
    else if (encoding === 'utf-8-bom')
      bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(content, 'utf8')])
    else bytes = iconv.encode(content, encoding)
    writeFileSync(full, bytes)
    return full
  }

  context(job: string, type: string, signal: AbortSignal = new AbortController().signal): JobContext {
    this.runs++
    const id = `01TEST${String(this.now).padStart(14, '0')}${String(this.runs).padStart(6, '0')}`.slice(0, 26)
    const log = (level: string) => (msg: string) => void this.logs.push(`${level} ${job}: ${msg}`)
    const kv = new Map<string, unknown>()
    return {
      signal,
      log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      run: { id, job, type, scheduledFor: null, attempt: 1, trigger: 'manual' },
      db: (name) => {
        if (name !== 'board') throw new Error(`unknown connection "${name}"`)
        return this.db
      },
      kv: {
        get: async <T>(key: string) => kv.get(key) as T | undefined,
        set: async (key, value) => void kv.set(key, value),
        delete: async (key) => void kv.delete(key),
        list: async <T>(prefix = '') =>
          [...kv].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value: value as T })),
      },
      notify: async () => ({ ids: [] }),
      noticeStates: async () => ({}),
      clock: { now: () => this.now },
      configDir: this.dir,
    }
  }

  /** Runs a batch-import job with these options (validated by the job type's own schema, as the core does). */
  importFeed(options: Record<string, unknown>, job = 'import'): Promise<RunResult> {
    return runImport(this.context(job, 'batch-import'), importOptions.parse({ connection: 'board', ...options }))
  }

  score(options: Record<string, unknown> = {}, job = 'score'): Promise<RunResult> {
    return runScore(this.context(job, 'batch-score'), scoreOptions.parse({ connection: 'board', ...options }))
  }

  match(options: Record<string, unknown> = {}, job = 'match'): Promise<RunResult> {
    return runMatch(this.context(job, 'batch-match'), matchOptions.parse({ connection: 'board', ...options }))
  }

  async close(): Promise<void> {
    await this.connections.closeAll()
    await this.database.drop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The columns every listings feed needs, then the optional ones a test adds. */
export const LISTING_COLUMNS = [
  'external_id',
  'title',
  'company_name',
  'location',
  'employment_type',
  'salary_min',
  'salary_max',
  'description',
]

export type Row = Record<string, string | number | undefined>

function cell(value: string | number | undefined): string {
  const s = value === undefined ? '' : String(value)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV text with a header of `columns` and one line per row (missing cells empty). */
export function csv(columns: string[], rows: Row[], eol = '\n'): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join(eol) + eol
}

let serial = 0
/** A valid listing row; override what the test is about. */
export function listing(overrides: Row = {}): Row {
  serial++
  return {
    external_id: `L${String(serial).padStart(5, '0')}`,
    title: 'エンジニア募集 東京都 未経験歓迎',
    company_name: '株式会社サクラ',
    location: '東京都',
    employment_type: 'full_time',
    salary_min: 4_000_000,
    salary_max: 6_000_000,
    description: 'Javaエンジニアのお仕事です。東京都で働きませんか。',
    ...overrides,
  }
}
