import type { IncomingMessage, ServerResponse } from 'node:http'

/** What the page hears: enough to know what to fetch again, never the data itself. */
export interface DashboardEvent {
  kind: 'started' | 'outcome' | 'paused' | 'resumed' | 'config' | 'health' | 'panel'
  job?: string
  runId?: string
  status?: string
  panel?: string
}

/** A comment line this often keeps proxies and the browser from timing an idle stream out. */
const KEEP_ALIVE_MS = 15_000
/** A client this far behind (not reading) is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 256 * 1024

/** The open server-sent-event streams of the dashboard's pages. */
export class SseHub {
  private readonly clients = new Set<ServerResponse>()
  private keepAlive: NodeJS.Timeout | null = null
  private nextId = 1
  private closed = false

  /** `maxStreams`: the most streams open at once (read per connection, so a reload applies). */
  constructor(private readonly maxStreams: () => number = () => 32) {}

  get size(): number {
    return this.clients.size
  }

  /** Takes over a request's raw response and keeps it open as an event stream. */
  attach(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'serve is stopping' }))
      return
    }
    if (this.clients.size >= this.maxStreams()) {
      const error = `too many event streams open (serve.http.maxStreams is ${this.maxStreams()}); close a dashboard tab or raise the limit`
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '30' }).end(JSON.stringify({ error }))
      return
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    })
    // The reconnection delay the browser uses after the stream drops.
    res.write('retry: 2000\n\n')
    this.clients.add(res)
    req.on('close', () => this.clients.delete(res))
    this.keepAlive ??= setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS).unref()
  }

  broadcast(event: DashboardEvent): void {
    this.write(`id: ${this.nextId++}\nevent: change\ndata: ${JSON.stringify(event)}\n\n`)
  }

  /** Ends every stream, so the HTTP server can close without waiting on them. */
  close(): void {
    this.closed = true
    if (this.keepAlive) clearInterval(this.keepAlive)
    this.keepAlive = null
    for (const res of this.clients) {
      res.end()
      // A kept-alive socket would hold the server's close() until the browser lets go of it.
      res.socket?.destroySoon()
    }
    this.clients.clear()
  }

  private write(chunk: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        this.clients.delete(res)
        res.destroy()
        continue
      }
      res.write(chunk)
    }
  }
}
