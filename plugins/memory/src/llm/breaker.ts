import type { PluginKeyValue } from 'circadian'

export interface BreakerPolicy {
  /** Consecutive failures that open the breaker. */
  failures: number
  /** How long it stays open; then one call is let through (half-open). */
  halfOpenAfter: number
}

export interface BreakerState {
  failures: number
  openUntil: number | null
  lastError: string | null
}

export const BREAKER_PREFIX = 'llm-breaker:'

/** The breaker's key: one per LLM endpoint, without any credentials in its URL. */
export function breakerKey(url: string): string {
  const u = new URL(url)
  return `${BREAKER_PREFIX}${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`
}

/**
 * A circuit breaker whose state lives in the plugin's key-value store, so it survives between runs:
 * after `failures` consecutive failures it opens for `halfOpenAfter`; then one call may try again
 * (a failure re-opens it at once, a success closes it).
 */
export class PersistentBreaker {
  private state: BreakerState = { failures: 0, openUntil: null, lastError: null }

  constructor(
    private readonly kv: PluginKeyValue,
    readonly key: string,
    private readonly policy: BreakerPolicy,
    private readonly clock: { now(): number },
  ) {}

  async load(): Promise<this> {
    this.state = (await this.kv.get<BreakerState>(this.key)) ?? this.state
    return this
  }

  get current(): BreakerState {
    return { ...this.state }
  }

  allows(): boolean {
    return this.state.openUntil === null || this.clock.now() >= this.state.openUntil
  }

  async success(): Promise<void> {
    if (this.state.failures === 0 && this.state.openUntil === null) return
    this.state = { failures: 0, openUntil: null, lastError: null }
    await this.kv.set(this.key, this.state)
  }

  async failure(error: string): Promise<void> {
    const failures = this.state.failures + 1
    const openUntil =
      failures >= this.policy.failures ? this.clock.now() + this.policy.halfOpenAfter : this.state.openUntil
    this.state = { failures, openUntil, lastError: error }
    await this.kv.set(this.key, this.state)
  }
}
