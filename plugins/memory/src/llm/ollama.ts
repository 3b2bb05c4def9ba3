import { formatDuration } from '../format.js'

/** The LLM did not answer usefully: counts as a failure for the breaker. */
export class LlmUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LlmUnavailable'
  }
}

export interface GenerateOptions {
  url: string
  model: string
  timeout: number
}

/**
 * One non-streaming Ollama `/api/generate` call: `{ model, prompt, stream: false }` → `{ response }`.
 * Gives up after `timeout` (LlmUnavailable) or when `signal` aborts (the stage's own timeout or a shutdown:
 * the abort error is rethrown as it is).
 */
export async function generate(options: GenerateOptions, prompt: string, signal: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(options.timeout)
  const both = AbortSignal.any([signal, timeout])
  const fail = (err: unknown): never => {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted')
    if (timeout.aborted) throw new LlmUnavailable(`no answer within ${formatDuration(options.timeout)}`)
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause
    throw new LlmUnavailable(
      `cannot reach ${new URL(options.url).host}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    )
  }
  let body: unknown
  try {
    const response = await fetch(`${options.url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: options.model, prompt, stream: false }),
      signal: both,
    })
    if (!response.ok) {
      await response.body?.cancel().catch(() => {})
      throw new LlmUnavailable(`HTTP ${response.status} from /api/generate`)
    }
    const text = await response.text()
    try {
      body = JSON.parse(text)
    } catch {
      throw new LlmUnavailable('the answer is not JSON')
    }
  } catch (err) {
    if (err instanceof LlmUnavailable) throw err
    return fail(err)
  }
  const answer = (body as { response?: unknown } | null)?.response
  if (typeof answer !== 'string') throw new LlmUnavailable('the answer has no "response" text')
  return answer
}
