import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { lazyRequire } from '../lazy-require.js'

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
  if (error instanceof SyntaxError) return null
  for (const frame of stack.matchAll(/[( ]((?:file:\/\/)?\/[^\s():]+):(\d+):\d+\)?$/gm)) {
    if (/[\\/]dist[\\/]circadian\.cjs$/.test(frame[1]) || frame[1].includes('/node_modules/@oclif/')) continue
    return `${toPath(frame[1])}:${frame[2]}`
  }
  return null
}

/**
 * Node 20 reports a module that does not parse without its file or line when it was loaded by import(): the
 * hook's own files are parsed again (esbuild) to find where.
 */
function syntaxErrorIn(files: readonly string[]): string | null {
  const esbuild = lazyRequire('esbuild') as typeof import('esbuild')
  for (const file of files) {
    let source: string
    try {
      source = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    try {
      esbuild.transformSync(source, { loader: 'js', format: 'esm', sourcefile: file, logLevel: 'silent' })
    } catch (err) {
      const location = (err as { errors?: Array<{ location?: { line: number; column: number } | null }> }).errors?.[0]
        ?.location
      if (location) return `${file}:${location.line}:${location.column + 1}`
    }
  }
  return null
}

/** The error with its location in its message, for the warning that names the plugin; `files`: its hook files. */
export function withLocation(error: unknown, files: readonly string[] = []): unknown {
  const where = hookErrorLocation(error) ?? (error instanceof SyntaxError ? syntaxErrorIn(files) : null)
  if (!where || !(error instanceof Error)) return error
  const name = error instanceof SyntaxError ? 'syntax error: ' : ''
  return new Error(`${name}${error.message} (${where})`)
}
