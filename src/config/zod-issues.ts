import type { z } from 'zod'
import { type ConfigIssue, type PathSegment, formatPath } from './errors.js'
import { didYouMean } from './suggest.js'

type AnySchema = z.core.$ZodType

/** Follows wrappers (optional, default, pipes, refinements) down to the schema that holds the data. */
function unwrap(schema: AnySchema): AnySchema {
  let s = schema
  for (let i = 0; i < 20; i++) {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string }
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type))
      s = def.innerType as AnySchema
    else if (def.type === 'pipe') s = def.in as AnySchema
    else break
  }
  return s
}

/** The keys an object schema accepts at `path` inside `root`, for did-you-mean on unknown keys. */
export function keysAt(root: AnySchema, path: readonly PathSegment[]): string[] {
  let s = unwrap(root)
  for (const seg of path) {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string }
    if (def.type === 'object') s = unwrap((def.shape as Record<string, AnySchema>)[seg as string] ?? s)
    else if (def.type === 'record') s = unwrap(def.valueType as AnySchema)
    else if (def.type === 'array') s = unwrap(def.element as AnySchema)
    else return []
  }
  const def = s._zod.def as unknown as Record<string, unknown> & { type: string }
  return def.type === 'object' ? Object.keys(def.shape as object) : []
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : 'a number'
  if (typeof value === 'boolean') return 'a boolean'
  if (typeof value === 'function') return 'a function'
  if (value === undefined) return 'nothing'
  return `a ${typeof value}`
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
  function: 'a function',
}

/** zod's own wording starts like this; anything else was written for this schema and is kept as is. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized|Expected)/

/**
 * A union whose alternatives all failed: when exactly one alternative accepted the value's shape and failed
 * deeper inside it (`command: ['echo', 1]` is a list, so the list alternative is the one meant), its issues are
 * what the user needs, at their own paths; null otherwise.
 */
function meantBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | null {
  if (issue.code !== 'invalid_union' || (issue.message && !issue.message.startsWith('Invalid input'))) return null
  const shapeMismatch = (branch: z.core.$ZodIssue[]) =>
    branch.length === 1 && branch[0].code === 'invalid_type' && branch[0].path.length === 0
  const meant = issue.errors.filter((branch) => branch.length && !shapeMismatch(branch))
  return meant.length === 1 && meant[0].some((i) => i.path.length > 0) ? meant[0] : null
}

function messageFor(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union' && issue.message && !ZOD_DEFAULT.test(issue.message)) return issue.message
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required'
      return `must be ${EXPECTED[issue.expected] ?? issue.expected} (got ${describeType(issue.input)})`
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ')
      const got = typeof issue.input === 'string' ? `"${issue.input}"` : String(issue.input)
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String)) : ''
      return `${got} is not one of ${allowed}${hint}`
    }
    case 'too_small': {
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty'
      if (issue.origin === 'array')
        return `must have at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`
      if (issue.inclusive === false) return `must be greater than ${issue.minimum}`
      return `must be at least ${issue.minimum}${issue.origin === 'string' ? ' characters long' : ''}`
    }
    case 'too_big': {
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`
      if (issue.inclusive === false) return `must be less than ${issue.maximum}`
      return `must be at most ${issue.maximum}${issue.origin === 'string' ? ' characters long' : ''}`
    }
    case 'invalid_union': {
      const custom = issue.message && !issue.message.startsWith('Invalid input') ? issue.message : ''
      if (custom) return custom
      // When every alternative only disagrees on the type, name the types it may be.
      const firsts = issue.errors.map((branch) => branch[0])
      if (firsts.every((i) => i?.code === 'invalid_type' && i.path.length === 0)) {
        if (issue.input === undefined) return 'is required'
        const expected = [
          ...new Set(
            firsts.map((i) => EXPECTED[(i as { expected: string }).expected] ?? (i as { expected: string }).expected),
          ),
        ]
        return `must be ${expected.join(' or ')} (got ${describeType(issue.input)})`
      }
      return 'does not match any of the allowed forms'
    }
    default:
      return issue.message
  }
}

/**
 * Converts a zod error into our issues, prefixed with `base`. Unknown keys become one issue each, with a
 * did-you-mean drawn from the keys the schema (or `extraKeys`) accepts at that place.
 */
export function toConfigIssues(
  error: z.ZodError,
  base: readonly PathSegment[],
  schema: AnySchema,
  extraKeys: (path: readonly PathSegment[]) => string[] = () => [],
): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol')
    const meant = meantBranch(issue)
    if (meant) {
      for (const inner of meant) {
        const innerPath = inner.path.filter((p): p is PathSegment => typeof p !== 'symbol')
        issues.push({ path: formatPath([...base, ...path, ...innerPath]), message: messageFor(inner) })
      }
      continue
    }
    if (issue.code === 'unrecognized_keys') {
      const known = [...keysAt(schema, path), ...extraKeys(path)]
      for (const key of issue.keys) {
        issues.push({
          path: formatPath([...base, ...path, key]),
          message: `unknown key "${key}"${didYouMean(key, known)}`,
        })
      }
      continue
    }
    issues.push({ path: formatPath([...base, ...path]), message: messageFor(issue) })
  }
  return issues
}
