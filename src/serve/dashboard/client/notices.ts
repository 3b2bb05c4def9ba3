/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { byId, h } from './dom.js'

/**
 * The result of the last action, in a region screen readers announce: politely for success, at once
 * (role=alert) for a refusal. It stays until the next action or until dismissed.
 */
export function notice(kind: 'ok' | 'error', text: string): void {
  const region = byId('notices')
  const message = h(
    'p',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'notice-text' }, text),
    h(
      'button',
      { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss message', onclick: () => message.remove() },
      '×',
    ),
  )
  region.replaceChildren(message)
}
