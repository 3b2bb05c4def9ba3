import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigLoadError } from './errors.js'

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' }

/**
 * Parses a .env file: `KEY=value` lines, `export KEY=value`, `#` comments, blank lines. Unquoted values are
 * trimmed and end at ` #`; 'single quotes' are literal; "double quotes" know \n \r \t \" \\ \$. A quoted
 * value may span lines (as the dotenv package allows). No variable expansion. A line it cannot read is an
 * error naming the file and line (never the value: it may be secret).
 */
export function parseDotenv(text: string, file: string): Map<string, string> {
  const values = new Map<string, string>()
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const where = `${file}:${i + 1}`
    const line = lines[i].trim()
    if (!line || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq < 0) throw new ConfigLoadError(`${where}: expected KEY=value (a line without "=")`)
    const key = line
      .slice(0, eq)
      .replace(/^export\s+/, '')
      .trim()
    if (!KEY.test(key))
      throw new ConfigLoadError(
        `${where}: "${key.slice(0, 40)}" is not a variable name (letters, digits and _, not starting with a digit)`,
      )
    let raw = line.slice(eq + 1).trim()
    const quote = raw[0]
    if (quote === '"' || quote === "'") {
      // An opening quote without its closing one on this line continues on the next lines.
      while (closingQuote(raw, quote) < 0 && i + 1 < lines.length) raw += `\n${lines[++i]}`
    }
    values.set(key, parseValue(raw, where, key))
  }
  return values
}

/** Where the quoted value that starts raw[0] closes, or -1. */
function closingQuote(raw: string, quote: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (quote === '"' && raw[i] === '\\') i++
    else if (raw[i] === quote) return i
  }
  return -1
}

function parseValue(text: string, where: string, key: string): string {
  const quote = text[0]
  if (quote !== '"' && quote !== "'") return text.replace(/\s+#.*$/, '').trim()
  const end = closingQuote(text, quote)
  if (end < 0) throw new ConfigLoadError(`${where}: ${key} has no closing ${quote === '"' ? 'double' : 'single'} quote`)
  const rest = text.slice(end + 1).trim()
  if (rest && !rest.startsWith('#')) throw new ConfigLoadError(`${where}: ${key} has text after its closing quote`)
  const body = text.slice(1, end)
  return quote === "'" ? body : body.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? `\\${c}`)
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
