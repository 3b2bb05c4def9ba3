import { ConfigLoadError } from './errors.js'

/** The line of `text` holding `index`, with a caret under it, as `  3 | …` / `    |   ^`. */
function codeFrame(text: string, index: number): { line: number; column: number; frame: string } {
  const before = text.slice(0, index)
  const line = before.split('\n').length
  const column = index - (before.lastIndexOf('\n') + 1) + 1
  const source = text.split('\n')[line - 1] ?? ''
  const gutter = String(line)
  const frame = `  ${gutter} | ${source}\n  ${' '.repeat(gutter.length)} | ${' '.repeat(column - 1)}^`
  return { line, column, frame }
}

/**
 * Loads a .json config (and package.json). cosmiconfig's JSON loader builds its message with a code frame
 * that its error class appends again on every read of the message: the frame was printed twice.
 */
export function loadJsonConfig(file: string, content: string): unknown {
  if (content.trim() === '') return null
  try {
    return JSON.parse(content)
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\(line \d+ column \d+\)$/, '')
    const position = /at position (\d+)/.exec(message)
    const index = position ? Number(position[1]) : content.length
    const { line, column, frame } = codeFrame(content, Math.min(index, content.length))
    const reason = message
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/^Unexpected end of JSON input$/, 'the JSON ends too early')
    throw new ConfigLoadError(
      `Cannot load config ${file}: invalid JSON at line ${line}, column ${column}: ${reason}\n\n${frame}`,
      file,
    )
  }
}

/** Wraps a cosmiconfig loader so that a file that cannot be parsed is a ConfigLoadError naming it. */
export function namingFile(
  loader: (file: string, content: string) => unknown,
): (file: string, content: string) => Promise<unknown> {
  return async (file, content) => {
    try {
      return await loader(file, content)
    } catch (err) {
      if (err instanceof ConfigLoadError) throw err
      const message = err instanceof Error ? err.message : String(err)
      throw new ConfigLoadError(`Cannot load config ${file}: ${message}`, file)
    }
  }
}
