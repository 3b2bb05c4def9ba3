/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
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

/** GETs JSON from serve. Paths are relative, so the page also works behind a proxy under a sub-path. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' })
  if (!res.ok) throw await errorOf(res)
  return (await res.json()) as T
}

export async function postJson<T>(path: string, body: unknown, token: string | null): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body ?? {}) })
  if (!res.ok) throw await errorOf(res)
  return (await res.json()) as T
}

export const jobPath = (job: string) => `api/jobs/${encodeURIComponent(job)}`

/** serve's event stream; the browser reconnects by itself, and a stream it gave up on is opened again. */
export function listen(onEvent: (event: DashboardEvent) => void, onState: (state: 'live' | 'reconnecting') => void): void {
  const open = () => {
    const source = new EventSource('api/events')
    source.addEventListener('change', (e) => {
      try {
        onEvent(JSON.parse((e as MessageEvent<string>).data) as DashboardEvent)
      } catch {}
    })
    source.addEventListener('open', () => onState('live'))
    source.addEventListener('error', () => {
      onState('reconnecting')
      if (source.readyState === EventSource.CLOSED) setTimeout(open, 2000)
    })
  }
  open()
}
