import { fileURLToPath } from 'node:url'

const toPath = (location: string) => (location.startsWith('file://') ? fileURLToPath(location) : location)

/**
 * Where a plugin's hook failed, as `file:line`: a syntax error names the file and line on the first line of
 * its stack (that is how Node reports a module that does not parse); any other error, its first frame outside
 * Node's own code and this CLI's bundle.
 */
export function hookErrorLocation(error: unknown): string | null {
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  if (error instanceof SyntaxError) {
    const head = /^((?:file:\/\/)?\/[^\n]*?):(\d+)\n/.exec(stack)
    if (head) return `${toPath(head[1])}:${head[2]}`
  }
  for (const frame of stack.matchAll(/\(?((?:file:\/\/)?\/[^\s():]+):(\d+):\d+\)?$/gm)) {
    if (frame[1].includes('/node:') || /[\\/]dist[\\/]circadian\.cjs$/.test(frame[1]) || frame[1].includes('/node_modules/@oclif/')) continue
    return `${toPath(frame[1])}:${frame[2]}`
  }
  return null
}

/** The error with its location in its message, for the warning that names the plugin. */
export function withLocation(error: unknown): unknown {
  const where = hookErrorLocation(error)
  if (!where || !(error instanceof Error)) return error
  const name = error instanceof SyntaxError ? 'syntax error: ' : ''
  return new Error(`${name}${error.message} (${where})`)
}
