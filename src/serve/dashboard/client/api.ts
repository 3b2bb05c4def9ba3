/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { forgetToken, storedToken, token } from './token.js'
import type { DashboardEvent } from './types.js'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

async function errorOf(res: Response): Promise<HttpError> {
  let message = `${res.status} ${res.statusText}`
  try {
    const body = (await res.json()) as { error?: string }
    if (body.error) message = body.error
  } catch {}
  return new HttpError(res.status, message)
}

const withToken = (headers: Record<string, string>, bearer: string | null) =>
  bearer ? { ...headers, authorization: `Bearer ${bearer}` } : headers

/**
 * A read from serve with the tab's token, if it has one. A 401 (reads need the token, or it changed) forgets
 * the token and asks for it once; cancelling gives the 401 to the caller.
 */
async function read(path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
  for (;;) {
    const used = storedToken()
    const res = await fetch(path, { headers: withToken(headers, used), cache: 'no-store', signal })
    if (res.status !== 401) return res
    // Another read may have been given a new token meanwhile: forget only the one refused.
    if (storedToken() === used) forgetToken()
    if (!(await token('read'))) return res
  }
}

/** GETs JSON from serve. Paths are relative, so the page also works behind a proxy under a sub-path. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await read(path, { accept: 'application/json' })
  if (!res.ok) throw await errorOf(res)
  return (await res.json()) as T
}

export async function postJson<T>(path: string, body: unknown, bearer: string | null): Promise<T> {
  const headers = withToken({ 'content-type': 'application/json', accept: 'application/json' }, bearer)
  const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body ?? {}) })
  if (!res.ok) throw await errorOf(res)
  return (await res.json()) as T
}

export const jobPath = (job: string) => `api/jobs/${encodeURIComponent(job)}`

const RECONNECT_MS = 2000

/** Calls `onEvent` for each `change` event in a server-sent-event stream's text. Returns what is left unparsed. */
function dispatch(buffer: string, onEvent: (event: DashboardEvent) => void): string {
  const blocks = buffer.split(/\r?\n\r?\n/)
  const rest = blocks.pop() ?? ''
  for (const block of blocks) {
    let name = 'message'
    const data: string[] = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) name = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
    if (name !== 'change' || !data.length) continue
    try {
      onEvent(JSON.parse(data.join('\n')) as DashboardEvent)
    } catch {}
  }
  return rest
}

/**
 * serve's event stream, read with fetch (not EventSource, which cannot send the token header), and opened
 * again RECONNECT_MS after it drops.
 */
export function listen(
  onEvent: (event: DashboardEvent) => void,
  onState: (state: 'live' | 'reconnecting') => void,
): void {
  const open = async () => {
    try {
      const res = await read('api/events', { accept: 'text/event-stream' })
      if (!res.ok || !res.body) throw await errorOf(res)
      onState('live')
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer = dispatch(buffer + value, onEvent)
      }
    } catch {}
    onState('reconnecting')
    setTimeout(() => void open(), RECONNECT_MS)
  }
  void open()
}
