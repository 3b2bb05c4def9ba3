/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { HttpError, postJson } from './api.js'
import { notice } from './notices.js'
import { forgetToken, token } from './token.js'

let tokenRequired = true

export function setTokenRequired(required: boolean): void {
  tokenRequired = required
}

/**
 * POSTs a change (trigger, pause, a panel action) with the token, asking for it first when needed. A
 * refusal is shown on the page; a refused token is forgotten so the next try asks again.
 */
export async function act<T>(
  what: string,
  path: string,
  body: unknown,
  describe: (result: T) => string,
): Promise<T | null> {
  const bearer = tokenRequired ? await token() : null
  if (tokenRequired && !bearer) {
    notice('error', `${what}: cancelled, no token was given.`)
    return null
  }
  try {
    const result = await postJson<T>(path, body, bearer)
    notice('ok', describe(result))
    return result
  } catch (err) {
    if (err instanceof HttpError && err.status === 401) {
      forgetToken()
      notice('error', `${what} refused: ${err.message}. The token was not accepted; you will be asked again.`)
    } else if (err instanceof HttpError) notice('error', `${what} refused: ${err.message}`)
    else notice('error', `${what} failed: ${err instanceof Error ? err.message : String(err)}`)
    return null
  }
}

/** Runs `work` with the button marked busy, ignoring further presses until it is done. */
export async function busy(button: HTMLButtonElement, work: () => Promise<unknown>): Promise<void> {
  if (button.getAttribute('aria-disabled') === 'true') return
  button.setAttribute('aria-disabled', 'true')
  try {
    await work()
  } finally {
    button.removeAttribute('aria-disabled')
  }
}
