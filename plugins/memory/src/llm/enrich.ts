import type { Knex } from 'knex'
import type { JobLogger, PluginKeyValue } from 'circadian'
import type { LlmOptions } from '../options/params.js'
import { PersistentBreaker, breakerKey } from './breaker.js'
import { cacheKey, cachedAnswer, storeAnswer } from './cache.js'
import { LlmUnavailable, generate } from './ollama.js'

export interface PairToJudge {
  pair: string
  a: string
  b: string
}

export interface Judgement {
  score: number
  label: string | null
}

export interface EnrichmentReport {
  /** 'enriched': every pair asked got an answer; 'partial': some; 'unavailable': none (rule-based path). */
  status: 'enriched' | 'partial' | 'unavailable' | 'idle'
  pairs: number
  /** Answers taken from the cache. */
  cached: number
  /** Requests sent to the LLM. */
  called: number
  failures: number
  /** Pairs not asked because the breaker was open. */
  skipped: number
  unparsable: number
  /** Pairs whose link the LLM judged. */
  answered: number
  breaker: 'closed' | 'open'
  error: string | null
}

export function relatednessPrompt(a: string, b: string): string {
  return [
    'You link memories. Rate how related these two memories are, from 0 (unrelated) to 1 (closely related),',
    'and name the link in at most five words. Answer only with JSON like {"score": 0.7, "label": "same project"}.',
    `Memory A: ${a.slice(0, 1000)}`,
    `Memory B: ${b.slice(0, 1000)}`,
  ].join('\n')
}

/** Reads `{"score": 0.7, "label": "..."}` out of an answer; failing that, the first number in [0, 1]. */
export function parseJudgement(answer: string): Judgement | null {
  const json = /\{[\s\S]*\}/.exec(answer)
  if (json) {
    try {
      const value = JSON.parse(json[0]) as { score?: unknown; label?: unknown }
      const score = Number(value.score)
      if (Number.isFinite(score) && score >= 0 && score <= 1) {
        return {
          score,
          label: typeof value.label === 'string' && value.label.trim() ? value.label.trim().slice(0, 200) : null,
        }
      }
    } catch {}
  }
  const number = /(?:^|[^\d.])(0(?:\.\d+)?|1(?:\.0+)?)(?![\d.])/.exec(answer)
  return number ? { score: Number(number[1]), label: null } : null
}

export interface EnrichContext {
  db: Knex
  kv: PluginKeyValue
  clock: { now(): number }
  signal: AbortSignal
  log: JobLogger
}

/**
 * Asks the LLM about each pair, through the 24-hour answer cache and the persistent breaker. Never throws
 * for an LLM problem (the stage falls back to its rules); rethrows only when the stage itself is aborted.
 */
export async function judgePairs(
  pairs: PairToJudge[],
  llm: LlmOptions,
  ctx: EnrichContext,
): Promise<{ judgements: Map<string, Judgement>; report: EnrichmentReport }> {
  const breaker = await new PersistentBreaker(ctx.kv, breakerKey(llm.url), llm.breaker, ctx.clock).load()
  const judgements = new Map<string, Judgement>()
  const report: EnrichmentReport = {
    status: 'idle',
    pairs: pairs.length,
    cached: 0,
    called: 0,
    failures: 0,
    skipped: 0,
    unparsable: 0,
    answered: 0,
    breaker: 'closed',
    error: null,
  }
  for (const pair of pairs) {
    if (ctx.signal.aborted) break
    const prompt = relatednessPrompt(pair.a, pair.b)
    const key = cacheKey(llm.model, prompt)
    let answer = await cachedAnswer(ctx.db, key, ctx.clock.now(), llm.cacheTtl)
    if (answer !== undefined) {
      report.cached++
    } else {
      if (!breaker.allows()) {
        report.skipped++
        continue
      }
      try {
        report.called++
        answer = await generate(llm, prompt, ctx.signal)
        await breaker.success()
        await storeAnswer(ctx.db, key, llm.model, answer, ctx.clock.now())
      } catch (err) {
        if (!(err instanceof LlmUnavailable)) throw err
        report.failures++
        report.error = err.message
        ctx.log.warn(`LLM call failed: ${err.message}`)
        await breaker.failure(err.message)
        continue
      }
    }
    const judgement = parseJudgement(answer)
    if (judgement) {
      judgements.set(pair.pair, judgement)
      report.answered++
    } else {
      report.unparsable++
    }
  }
  report.breaker = breaker.allows() ? 'closed' : 'open'
  if (report.breaker === 'open')
    report.error = `breaker open after ${breaker.current.failures} failures (last: ${breaker.current.lastError})`
  report.status = !pairs.length
    ? 'idle'
    : report.answered === 0
      ? 'unavailable'
      : report.answered < pairs.length
        ? 'partial'
        : 'enriched'
  return { judgements, report }
}
