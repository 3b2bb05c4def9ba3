/** A piece of TypeScript written into the generated config as it is (an env() call, a template literal). */
export class Code {
  constructor(readonly code: string) {}
}

export function quote(text: string): string {
  if (text.includes("'") && !text.includes('"')) return JSON.stringify(text)
  return `'${text
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}'`
}

/** A multi-line string as a template literal, so a query stays readable in the config. */
export function templateLiteral(text: string): Code {
  return new Code(`\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``)
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name)
}

/** A JSON-like value as TypeScript source, indented; Code values are written as they are. */
export function toSource(value: unknown, indent = ''): string {
  if (value instanceof Code) return value.code
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    const items = value.map((v) => toSource(v, inner))
    const oneLine = `[${items.join(', ')}]`
    return oneLine.length <= 100 && !oneLine.includes('\n')
      ? oneLine
      : `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    if (!entries.length) return '{}'
    const items = entries.map(([k, v]) => `${key(k)}: ${toSource(v, inner)}`)
    const oneLine = `{ ${items.join(', ')} }`
    return oneLine.length <= 100 && !oneLine.includes('\n')
      ? oneLine
      : `{\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}}`
  }
  throw new Error(`cannot write ${typeof value} into a config`)
}
