/**
 * What a run listens to for being stopped from outside (shutdown, replace, cancel): an AbortSignal (the CLI's
 * Ctrl-C), or a RunStop.
 */
export interface StopSignal {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

/**
 * serve's per-run stop: the part of an AbortController a run's attempts listen to, without its cost (an
 * EventTarget and a DOMException per run, paid by thousands of runs a second that are never stopped). Each
 * attempt still gives the job a real AbortSignal of its own.
 */
export class RunStop implements StopSignal {
  aborted = false
  reason: unknown = undefined
  private listeners: Array<() => void> | null = null

  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const listeners = this.listeners ?? []
    this.listeners = null
    for (const listener of listeners) listener()
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.listeners ??= []).push(listener)
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners?.indexOf(listener) ?? -1
    if (i >= 0) this.listeners!.splice(i, 1)
  }
}
