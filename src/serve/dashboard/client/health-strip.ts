/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { getJson } from './api.js'
import { badge } from './badge.js'
import { h, replaceContent } from './dom.js'
import { age } from './format.js'
import type { Health } from './types.js'

function item(label: string, ...value: Array<Node | string | null>): HTMLElement {
  return h('li', { class: 'health-item' }, h('span', { class: 'health-label' }, `${label}: `), ...value)
}

/** The strip under the header: overall status, instances and heartbeats, breakers, dead letters, config. */
export async function refreshHealth(strip: HTMLElement): Promise<void> {
  let health: Health
  try {
    health = await getJson<Health>('api/dashboard/health')
  } catch (err) {
    replaceContent(strip, [
      h('p', { class: 'health-error' }, `Health unavailable: ${err instanceof Error ? err.message : String(err)}`),
    ])
    return
  }
  const instances = health.instances.length
    ? health.instances.map((i, n) =>
        h(
          'span',
          { class: `instance${i.live ? '' : ' stale'}` },
          n ? ', ' : '',
          h('strong', null, i.id),
          ` (heartbeat ${age(i.heartbeatAgeSeconds * 1000)} ago${i.live ? '' : ', stale'}${i.self ? ', this one' : ''})`,
        ),
      )
    : ['none']
  // The strip is redrawn every few seconds: what a person opened stays open.
  const opened = new Set([...strip.querySelectorAll('details[open]')].map((d) => d.className))
  replaceContent(strip, [
    h(
      'ul',
      { class: 'health-items' },
      h('li', { class: 'health-item' }, badge(health.status)),
      item('Instances', ...instances),
      item(
        'Open breakers',
        health.openBreakers.length ? h('span', { class: 'warn' }, health.openBreakers.join(', ')) : 'none',
      ),
      item('Dead letters', health.deadLetters ? h('span', { class: 'warn' }, String(health.deadLetters)) : '0'),
      item(
        'Config',
        health.reloadError
          ? h('span', { class: 'warn config-error' }, 'change rejected, still running the previous one')
          : 'loaded',
      ),
    ),
    health.reasons.length
      ? h(
          'details',
          { class: 'health-reasons' },
          h('summary', { 'data-focus-key': 'health-reasons' }, 'Why degraded'),
          h(
            'ul',
            null,
            health.reasons.map((r) => h('li', null, r)),
          ),
        )
      : null,
    health.reloadError
      ? h(
          'details',
          { class: 'health-reasons reload-error' },
          h('summary', { 'data-focus-key': 'reload-error' }, 'Why the config change was rejected'),
          h('pre', { tabindex: '0' }, health.reloadError),
        )
      : null,
  ])
  for (const d of strip.querySelectorAll('details')) if (opened.has(d.className)) d.open = true
}
