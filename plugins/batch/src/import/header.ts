import type { FeedSpec } from './feeds/spec.js'
import { FeedError } from './feed-error.js'

/** Where each known column is in the file's records. */
export interface ColumnMap {
  index: Map<string, number>
  /** Header columns the feed kind does not use (kept out of the tables, listed in the run's data). */
  ignored: string[]
  width: number
}

/** `Salary Min`, `SALARY-MIN`, `ｓａｌａｒｙ＿ｍｉｎ` all name salary_min. */
export function columnName(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
}

/** "a listings feed", "an activity feed". */
export function feedName(kind: string): string {
  // By sound, not letter: "a users feed" (a "you" sound), "an applications feed".
  return `${/^[aeio]/.test(kind) ? 'an' : 'a'} ${kind} feed`
}

function list(names: readonly string[]): string {
  return names.join(', ')
}

/** Matches a header to a feed kind; a missing required column or a repeated one fails the import. */
export function matchHeader(fields: string[], spec: FeedSpec, display: string): ColumnMap {
  const names = fields.map(columnName).map((name) => {
    const target = spec.aliases?.[name]
    return target && !fields.some((f) => columnName(f) === target) ? target : name
  })
  const index = new Map<string, number>()
  const repeated = new Set<string>()
  names.forEach((name, i) => {
    if (!name) return
    if (index.has(name)) repeated.add(name)
    else index.set(name, i)
  })
  const missing = spec.required.filter((c) => !index.has(c))
  if (missing.length) {
    const found = names.filter(Boolean).slice(0, 20)
    throw new FeedError(
      `${display}: wrong header for ${feedName(spec.kind)}: missing ${list(missing)} (found: ${list(found) || 'nothing'}${names.length > 20 ? ', …' : ''}; required: ${list(spec.required)})`,
      'header',
    )
  }
  if (repeated.size)
    throw new FeedError(`${display}: wrong header: column ${list([...repeated])} appears more than once`, 'header')
  for (const group of spec.oneOf ?? []) {
    if (!group.some((c) => index.has(c))) {
      throw new FeedError(
        `${display}: wrong header for ${feedName(spec.kind)}: it needs ${group.length === 1 ? group[0] : `one of ${list(group)}`} (found: ${list(names.filter(Boolean).slice(0, 20))})`,
        'header',
      )
    }
  }
  const known = new Set([...spec.required, ...spec.optional])
  return {
    index: new Map([...index].filter(([name]) => known.has(name))),
    ignored: [...index.keys()].filter((name) => !known.has(name)),
    width: fields.length,
  }
}
