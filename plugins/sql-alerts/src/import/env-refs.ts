import { Code, quote } from './code.js'

/** An environment variable the generated config reads, and why the user must set it. */
export interface EnvVariable {
  name: string
  /** What it is for, e.g. "Slack webhook URL (alerts[1].notify[0].webhook_url)". */
  purpose: string
  /** The YAML held the value itself: the user copies it into the variable (it is never written to the config). */
  fromLiteral: boolean
  /** Has a default in the config, so leaving it unset is fine. */
  optional: boolean
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g
const WHOLE_PLACEHOLDER = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/

/** The variables a config will read, named without clashes. */
export class EnvRegistry {
  private readonly byName = new Map<string, EnvVariable>()

  get variables(): EnvVariable[] {
    return [...this.byName.values()]
  }

  /** Records a variable named in the YAML (`${NAME}`); the same name twice is one variable. */
  use(name: string, purpose: string, optional = false): void {
    if (!this.byName.has(name)) this.byName.set(name, { name, purpose, fromLiteral: false, optional })
  }

  /** A new variable for a secret the YAML held literally: `base`, or `base_2`, ... when taken. */
  fresh(base: string, purpose: string): string {
    let name = base
    for (let n = 2; this.byName.has(name); n++) name = `${base}_${n}`
    this.byName.set(name, { name, purpose, fromLiteral: true, optional: false })
    return name
  }

  /**
   * A YAML string as config code: `${VAR}` parts become env('VAR') (a whole-value placeholder is just the
   * call), the rest stays text. `secret: false` marks values that are not secrets (hosts, ports, paths).
   */
  expression(text: string, purpose: string, options: { secret?: boolean } = {}): string | Code {
    const call = (name: string) => `env(${quote(name)}${options.secret === false ? ', { secret: false }' : ''})`
    const whole = WHOLE_PLACEHOLDER.exec(text)
    if (whole) {
      this.use(whole[1], purpose)
      return new Code(call(whole[1]))
    }
    if (!PLACEHOLDER.test(text)) return text
    PLACEHOLDER.lastIndex = 0
    const body = text
      .replace(/\\/g, '\\\\')
      .replace(/`/g, '\\`')
      .replace(/\$\{(?![A-Za-z_][A-Za-z0-9_]*\})/g, '\\${')
    const code = body.replace(PLACEHOLDER, (_m, name: string) => {
      this.use(name, purpose)
      return `\${${call(name)}}`
    })
    return new Code(`\`${code}\``)
  }

  /** A secret as config code: placeholders become env() calls, a literal becomes a fresh variable. */
  secret(text: string, base: string, purpose: string): Code {
    if (hasPlaceholder(text)) return this.expression(text, purpose) as Code
    return new Code(`env(${quote(this.fresh(base, purpose))})`)
  }
}

export function hasPlaceholder(text: string): boolean {
  PLACEHOLDER.lastIndex = 0
  const found = PLACEHOLDER.test(text)
  PLACEHOLDER.lastIndex = 0
  return found
}

export function wholePlaceholder(text: string): string | null {
  return WHOLE_PLACEHOLDER.exec(text)?.[1] ?? null
}
