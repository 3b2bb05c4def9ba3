/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { prompt } from './prompt.js'

// sessionStorage: the token lives as long as this tab, and no other tab or site can read it.
const KEY = 'circadian.token'

const HELP = {
  change:
    "Changing jobs needs serve's token (serve.token). It is kept in this browser tab only, until the tab is closed.",
  read: "Reading this dashboard needs serve's token (serve.token). It is kept in this browser tab only, until the tab is closed.",
}

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY)
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY)
}

/** The token kept for this tab, or asked for once (for a change or for reading). Null when the person cancels. */
export async function token(why: keyof typeof HELP = 'change'): Promise<string | null> {
  const kept = storedToken()
  if (kept) return kept
  const given = await prompt({
    title: 'Token required',
    help: HELP[why],
    label: 'Token',
    confirm: 'Use token',
    secret: true,
  })
  if (given) sessionStorage.setItem(KEY, given)
  return given
}
