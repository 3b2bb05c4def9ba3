/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { h } from './dom.js'
import { localTime, relative } from './format.js'
import type { JobDetail } from './types.js'

const LISTED = 8

/** The next 24 hours: a track with a mark per slot that has fires, and the first fires as a list. */
export function timelineView(timeline: JobDetail['timeline'], zone: string): HTMLElement[] {
  const from = Date.parse(timeline.from)
  const span = Date.parse(timeline.to) - from
  // Fires are drawn in serve's 5-minute slots: a day is 288 marks at most, however often the job fires.
  const slotMs = timeline.slotMinutes * 60_000
  const slotCount = Math.round(span / slotMs)
  const slotOf = (iso: string) => Math.min(slotCount - 1, Math.floor((Date.parse(iso) - from) / slotMs))
  const n = timeline.fires.length
  // serve lists at most a bounded number of fires: when it stopped early, the strip and the words cover only
  // what it listed (up to the last listed fire), never the rest of the day.
  const lastSlot = timeline.truncated && n ? slotOf(timeline.fires[n - 1]) : slotCount - 1
  let summary: string
  if (!timeline.enabled) summary = 'The job is disabled: nothing fires.'
  else if (!n) summary = 'No fires in the next 24 hours.'
  else if (timeline.truncated)
    summary = `The first ${n.toLocaleString('en')} fires in the next 24 hours, from ${localTime(timeline.fires[0], zone)} up to ${localTime(timeline.fires[n - 1], zone)} (${zone}); later fires are not computed here.`
  else
    summary = `${n.toLocaleString('en')} fire${n === 1 ? '' : 's'} in the next 24 hours, the first at ${localTime(timeline.fires[0], zone)}${n > 1 ? `, the last at ${localTime(timeline.fires[n - 1], zone)}` : ''} (${zone}).`

  const counts = new Map<number, number>()
  for (const fire of timeline.fires) counts.set(slotOf(fire), (counts.get(slotOf(fire)) ?? 0) + 1)
  const track = h('div', { class: `timeline-track${timeline.paused ? ' is-paused' : ''}`, 'aria-hidden': 'true' })
  for (const slot of timeline.slots) {
    if (slot > lastSlot) continue
    const count = counts.get(slot) ?? 0
    const mark = h('span', {
      class: 'timeline-mark',
      'data-slot': slot,
      title: `${count} fire${count === 1 ? '' : 's'}`,
    })
    mark.style.left = `${(slot / slotCount) * 100}%`
    mark.style.width = `${100 / slotCount}%`
    track.append(mark)
  }
  const scale = h(
    'div',
    { class: 'timeline-scale', 'aria-hidden': 'true' },
    ['now', '+6 h', '+12 h', '+18 h', '+24 h'].map((t) => h('span', null, t)),
  )
  const list = n
    ? h(
        'ol',
        { class: 'fire-list', 'aria-label': 'Next fires' },
        timeline.fires
          .slice(0, LISTED)
          .map((iso) =>
            h(
              'li',
              null,
              h('time', { datetime: iso }, localTime(iso, zone)),
              ' ',
              h('span', { class: 'relative', 'data-relative': iso }, relative(iso)),
            ),
          ),
        n > LISTED
          ? h(
              'li',
              { class: 'muted' },
              `… and ${(n - LISTED).toLocaleString('en')} more${timeline.truncated ? ' listed' : ''}`,
            )
          : null,
      )
    : null
  const parts: Array<HTMLElement | null> = [
    timeline.paused
      ? h('p', { class: 'paused-note' }, 'Paused: these occurrences are recorded as skipped until the job is resumed.')
      : null,
    h('p', { class: 'timeline-summary' }, summary),
    h('div', { class: 'timeline' }, track, scale),
    list,
  ]
  return parts.filter((x): x is HTMLElement => x !== null)
}
