/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { h } from './dom.js'

/** Each status has a word and a symbol besides its colour, so it reads without colour too. */
const LOOK: Record<string, { symbol: string; label: string }> = {
  succeeded: { symbol: '✔', label: 'succeeded' },
  failed: { symbol: '✖', label: 'failed' },
  alert: { symbol: '!', label: 'alert' },
  skipped: { symbol: '↷', label: 'skipped' },
  timed_out: { symbol: '◷', label: 'timed out' },
  interrupted: { symbol: '■', label: 'interrupted' },
  missed: { symbol: '∅', label: 'missed' },
  running: { symbol: '▶', label: 'running' },
  queued: { symbol: '…', label: 'queued' },
  paused: { symbol: '‖', label: 'paused' },
  never: { symbol: '–', label: 'no runs yet' },
  ok: { symbol: '✔', label: 'healthy' },
  degraded: { symbol: '!', label: 'degraded' },
}

export const statusLabel = (status: string) => LOOK[status]?.label ?? status.replace(/_/g, ' ')

export function badge(status: string, extra?: string | null): HTMLElement {
  const look = LOOK[status] ?? { symbol: '•', label: statusLabel(status) }
  return h(
    'span',
    { class: `badge badge-${status.replace(/[^a-z_]/g, '')}` },
    h('span', { class: 'badge-symbol', 'aria-hidden': 'true' }, look.symbol),
    ` ${look.label}`,
    extra ? ` (${extra})` : null,
  )
}
