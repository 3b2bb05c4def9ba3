import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigLoadError } from './errors.js'

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' }

/**
 * Parses a .env file: `KEY=value` lines, `export KEY=value`, `#` comments, blank lines. Unquoted values are
 * trimmed and end at ` #`; 'single quotes' are literal; "double quotes" know \n \r \t \" \\ \$. No variable
 * expansion. A line it cannot read is an error naming the file and line (never the value: it may be secret).
 */
export function parseDotenv(text: string, file: string): Map<string, string> {
  const values = new Map<string, string>()
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, i) => {
    const where = `${file}:${i + 1}`
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const eq = line.indexOf('=')
    if (eq < 0) throw new ConfigLoadError(`${where}: expected KEY=value (a line without "=")`)
    const key = line.slice(0, eq).replace(/^export\s+/, '').trim()
    if (!KEY.test(key)) throw new ConfigLoadError(`${where}: "${key.slice(0, 40)}" is not a variable name (letters, digits and _, not starting with a digit)`)
    values.set(key, parseValue(line.slice(eq + 1).trim(), where, key))
  })
  return values
}

function parseValue(text: string, where: string, key: string): string {
  const quote = text[0]
  if (quote !== '"' && quote !== "'") return text.replace(/\s+#.*$/, '').trim()
  let out = ''
  for (let i = 1; i < text.length; i++) {
    const c = text[i]
    if (c === quote) {
      const rest = text.slice(i + 1).trim()
      if (rest && !rest.startsWith('#')) throw new ConfigLoadError(`${where}: ${key} has text after its closing quote`)
      return out
    }
    if (quote === '"' && c === '\\' && i + 1 < text.length) {
      const next = text[++i]
      out += ESCAPES[next] ?? `\\${next}`
    } else {
      out += c
    }
  }
  throw new ConfigLoadError(`${where}: ${key} has no closing ${quote === '"' ? 'double' : 'single'} quote (values are one line; write a line break as \\n inside double quotes)`)
}

/** Keys this process took from a .env file, with the value it set: a reload may replace or drop only these. */
const fromDotenv = new Map<string, string>()

/**
 * Reads `.env` beside the config file, when there is one, into process.env. The real environment wins: a
 * variable already set (even to "") is left alone. Values come from the file again on every call (serve's
 * reload), and a variable that an earlier call took from the file and the file no longer sets is removed.
 * Returns the file's path when one was read.
 */
export function applyDotenv(configFile: string): string | null {
  const file = path.join(path.dirname(configFile), '.env')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      forgetPrevious()
      return null
    }
    throw new ConfigLoadError(`Cannot read ${file}: ${code ?? String(err)}`)
  }
  const values = parseDotenv(text, file)
  forgetPrevious()
  for (const [key, value] of values) {
    if (process.env[key] !== undefined) continue
    process.env[key] = value
    fromDotenv.set(key, value)
  }
  return file
}

function forgetPrevious(): void {
  for (const [key, value] of fromDotenv) if (process.env[key] === value) delete process.env[key]
  fromDotenv.clear()
}
