import type { z } from 'circadian'
import { type NewMemory, memoryRecordSchema, toNewMemory } from './record.js'

export interface LineError {
  line: number
  message: string
}

export interface ParsedMemories {
  memories: NewMemory[]
  /** The line each memory came from. */
  lines: number[]
  errors: LineError[]
}

const FIELDS = Object.keys(memoryRecordSchema.shape)

function closest(word: string): string | undefined {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: b.length + 1 }, (_, j) => j)
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0]
      d[0] = i
      for (let j = 1; j <= b.length; j++) {
        const tmp = d[j]
        d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
        prev = tmp
      }
    }
    return d[b.length]
  }
  const best = FIELDS.map((f) => ({ f, d: distance(word.toLowerCase(), f) })).sort((x, y) => x.d - y.d)[0]
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.f : undefined
}

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys
        .map((k) => {
          const guess = closest(k)
          return `unknown field "${k}"${guess ? ` (did you mean "${guess}"?)` : ''}`
        })
        .join('; ')
    case 'invalid_type':
      return issue.input === undefined
        ? `${where}is required`
        : `${where}must be ${issue.expected === 'number' ? 'a number' : issue.expected === 'string' ? 'a string' : issue.expected}`
    case 'too_small':
      return issue.origin === 'string' ? `${where}must not be empty` : `${where}must be at least ${issue.minimum}`
    case 'too_big':
      return `${where}must be at most ${issue.maximum}`
    case 'invalid_union':
      return `${where}has the wrong type`
    case 'invalid_value':
      return `${where}must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    default:
      return `${where}${issue.message}`
  }
}

/** Reads JSONL memories: every good line is kept, every bad one reported with its line number. */
export function parseMemoriesJsonl(text: string, now: number, defaultSource: string): ParsedMemories {
  const out: ParsedMemories = { memories: [], lines: [], errors: [] }
  const rows = text.split(/\r?\n/)
  rows.forEach((raw, index) => {
    const line = index + 1
    const body = raw.trim()
    if (!body) return
    let value: unknown
    try {
      value = JSON.parse(body)
    } catch (err) {
      out.errors.push({ line, message: `not valid JSON (${(err as Error).message})` })
      return
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      out.errors.push({ line, message: 'must be a JSON object like {"content": "..."}' })
      return
    }
    const parsed = memoryRecordSchema.safeParse(value)
    if (!parsed.success) {
      out.errors.push({ line, message: parsed.error.issues.map(describe).join('; ') })
      return
    }
    out.memories.push(toNewMemory(parsed.data, now, defaultSource))
    out.lines.push(line)
  })
  return out
}
