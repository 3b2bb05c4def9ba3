import { UserError } from '../errors.js'

export type PathSegment = string | number

export interface ConfigIssue {
  /** Where the problem is, e.g. `jobs.revenue.schedule` or `jobs["nightly.load"].after[0]`. */
  path: string
  message: string
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = ''
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

/** A config that cannot be used: every problem, each with its path. Rendered without a stack trace. */
export class ConfigError extends UserError {
  constructor(
    readonly issues: ConfigIssue[],
    readonly file?: string,
  ) {
    super(ConfigError.describe(issues, file))
  }

  static describe(issues: ConfigIssue[], file?: string): string {
    const where = file ? ` in ${file}` : ''
    const head = issues.length === 1 ? `Invalid config${where}:` : `Invalid config${where} (${issues.length} problems):`
    return [head, ...issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}`)].join('\n')
  }
}

/** A config file that could not be found or loaded at all (as opposed to one that loaded but is invalid). */
export class ConfigLoadError extends UserError {
  constructor(
    message: string,
    /** The config file, when one was found (it exists, but could not be read or run). */
    readonly file?: string,
  ) {
    super(message)
  }
}
