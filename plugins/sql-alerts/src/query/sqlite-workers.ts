import { type ChildProcess, fork } from 'node:child_process'
import type { Socket } from 'node:net'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { QueryFailure, cancelledFailure, isSqlSyntaxError, timeoutFailure } from './query-failure.js'
import type { SqliteReply, SqliteRequest } from './sqlite-protocol.js'

// The compiled child, from src/query (tests) as from dist/query (the CLI).
const CHILD = fileURLToPath(new URL('../../dist/query/sqlite-child.js', import.meta.url))
/** Processes per database file: one per CPU, at most 4 (each is a Node process of about 40 MB). */
const MAX_PROCESSES = Math.max(1, Math.min(4, os.availableParallelism()))

interface Task {
  sql: string
  maxRows: number
  timeoutMs: number
  signal?: AbortSignal
  resolve(reply: Extract<SqliteReply, { ok: true }>): void
  reject(err: Error): void
}

/** One child process holding one SQLite connection; it runs one query at a time. */
class Worker {
  readonly child: ChildProcess
  private current: { task: Task; id: number; timer: NodeJS.Timeout; onAbort: () => void } | null = null
  private stderr = ''
  private nextId = 1
  dead = false

  constructor(
    filename: string,
    readOnly: boolean,
    private readonly onIdle: (worker: Worker) => void,
  ) {
    this.child = fork(CHILD, [filename, readOnly ? 'ro' : 'rw'], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
    })
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-2000)))
    // Kept for the message when the process dies; it must not keep the CLI alive.
    ;(this.child.stderr as Socket | null)?.unref()
    this.child.on('message', (reply: SqliteReply) => this.settle(reply))
    this.child.on('exit', (code, signal) => {
      this.dead = true
      const detail = this.stderr.trim().split('\n').pop() ?? ''
      this.fail(
        new QueryFailure(
          'sql-error',
          `query failed: the SQLite process ended (${signal ?? `exit code ${code}`})${detail ? `: ${detail}` : ''}`,
        ),
      )
    })
    this.child.on('error', (err) =>
      this.fail(new QueryFailure('sql-error', `query failed: cannot start the SQLite process: ${err.message}`)),
    )
    this.idle()
  }

  get busy(): boolean {
    return this.current !== null
  }

  start(task: Task): void {
    const id = this.nextId++
    const stop = (failure: QueryFailure) => {
      this.kill()
      this.fail(failure)
    }
    const timer = setTimeout(() => stop(timeoutFailure(task.timeoutMs, 'plugin')), task.timeoutMs)
    const onAbort = () => stop(cancelledFailure(task.signal?.reason))
    task.signal?.addEventListener('abort', onAbort, { once: true })
    this.current = { task, id, timer, onAbort }
    this.child.ref()
    this.child.channel?.ref()
    const request: SqliteRequest = { id, sql: task.sql, maxRows: task.maxRows, busyTimeoutMs: task.timeoutMs }
    this.child.send(request)
  }

  private finish(): Task | null {
    const current = this.current
    if (!current) return null
    clearTimeout(current.timer)
    current.task.signal?.removeEventListener('abort', current.onAbort)
    this.current = null
    return current.task
  }

  private settle(reply: SqliteReply): void {
    if (!this.current || reply.id !== this.current.id) return
    const task = this.finish()!
    if (reply.ok) task.resolve(reply)
    else task.reject(failureFromSqlite(reply.code, reply.message))
    this.idle()
  }

  private fail(err: Error): void {
    const task = this.finish()
    task?.reject(err)
    if (!this.dead) this.idle()
    else this.onIdle(this)
  }

  /** An idle worker must not keep the CLI alive: it exits by itself when the CLI does (disconnect). */
  private idle(): void {
    if (this.dead) return
    this.child.unref()
    this.child.channel?.unref()
    this.onIdle(this)
  }

  kill(): void {
    if (this.dead) return
    this.dead = true
    this.child.kill('SIGKILL')
  }
}

function failureFromSqlite(code: string, message: string): QueryFailure {
  if (code === 'SQLITE_READONLY' || /readonly database/i.test(message)) {
    return new QueryFailure(
      'read-only',
      `query tried to write, but alert queries run read-only (set readOnly: false to allow writes): ${message}`,
    )
  }
  return new QueryFailure('sql-error', `query failed: ${message}`, { syntax: isSqlSyntaxError({ code, message }) })
}

/** The processes for one SQLite file and mode, started when needed, up to MAX_PROCESSES at once. */
class WorkerPool {
  private readonly workers: Worker[] = []
  private readonly queue: Task[] = []

  constructor(
    private readonly filename: string,
    private readonly readOnly: boolean,
  ) {}

  run(task: Omit<Task, 'resolve' | 'reject'>): Promise<Extract<SqliteReply, { ok: true }>> {
    if (task.signal?.aborted) return Promise.reject(cancelledFailure(task.signal.reason))
    return new Promise((resolve, reject) => {
      this.queue.push({ ...task, resolve, reject })
      this.dispatch()
    })
  }

  private dispatch(): void {
    for (let i = this.workers.length - 1; i >= 0; i--) if (this.workers[i].dead) this.workers.splice(i, 1)
    while (this.queue.length) {
      const task = this.queue[0]
      if (task.signal?.aborted) {
        this.queue.shift()
        task.reject(cancelledFailure(task.signal.reason))
        continue
      }
      let worker = this.workers.find((w) => !w.busy && !w.dead)
      if (!worker && this.workers.length < MAX_PROCESSES) {
        worker = new Worker(this.filename, this.readOnly, () => queueMicrotask(() => this.dispatch()))
        this.workers.push(worker)
      }
      if (!worker) return
      this.queue.shift()
      worker.start(task)
    }
  }
}

const pools = new Map<string, WorkerPool>()

/** Runs one statement on a SQLite file in a child process; the statement is killed with it on timeout. */
export async function runInSqliteProcess(
  filename: string,
  readOnly: boolean,
  task: Omit<Task, 'resolve' | 'reject'>,
): Promise<Extract<SqliteReply, { ok: true }>> {
  const key = `${readOnly ? 'ro' : 'rw'}:${filename}`
  let pool = pools.get(key)
  if (!pool) {
    pool = new WorkerPool(filename, readOnly)
    pools.set(key, pool)
  }
  return pool.run(task)
}
