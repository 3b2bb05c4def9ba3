import { isUtf8 } from 'node:buffer'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { UserError } from '../errors.js'
import { packagePath } from '../paths.js'

/** The templates/ folder shipped with the package. */
export const TEMPLATES_DIR = packagePath('templates')

export class ScaffoldError extends UserError {}

/** Template folders by name: the core's, then each installed plugin's own `templates/` folder. */
export function templateDirs(pluginRoots: string[] = []): Map<string, string> {
  const found = new Map<string, string>()
  for (const base of [TEMPLATES_DIR, ...pluginRoots.map((r) => path.join(r, 'templates'))]) {
    if (!existsSync(base)) continue
    for (const name of readdirSync(base)) {
      if (name === 'plugin' || found.has(name) || !statSync(path.join(base, name)).isDirectory()) continue
      found.set(name, path.join(base, name))
    }
  }
  return found
}

function render(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m)
}

function listFiles(dir: string, base = ''): string[] {
  return readdirSync(path.join(dir, base)).flatMap((entry) => {
    const rel = path.join(base, entry)
    return statSync(path.join(dir, rel)).isDirectory() ? listFiles(dir, rel) : [rel]
  })
}

/**
 * Copies templates/<name> into `target`, filling {{placeholders}}. Refuses to overwrite any existing file
 * unless `force`; on refusal nothing at all is written.
 */
export function copyTemplate(
  name: string,
  target: string,
  vars: Record<string, string>,
  force: boolean,
  pluginRoots: string[] = [],
): string[] {
  const source = name === 'plugin' ? path.join(TEMPLATES_DIR, 'plugin') : templateDirs(pluginRoots).get(name)
  if (!source)
    throw new ScaffoldError(
      `Unknown template "${name}" (available: ${[...templateDirs(pluginRoots).keys()].join(', ')})`,
    )
  const files = listFiles(source).map((rel) => ({ rel: rel.replace(/\.template$/, ''), from: path.join(source, rel) }))
  const clashes = files.filter((f) => existsSync(path.join(target, f.rel)))
  if (clashes.length && !force) {
    throw new ScaffoldError(
      `${clashes.map((c) => path.join(target, c.rel)).join(', ')} already exist${clashes.length === 1 ? 's' : ''}; nothing was written (use --force to overwrite)`,
    )
  }
  for (const f of files) {
    const dest = path.join(target, f.rel)
    mkdirSync(path.dirname(dest), { recursive: true })
    // Text gets its placeholders filled; anything that is not UTF-8 (a Shift_JIS sample feed) is copied as is.
    const bytes = readFileSync(f.from)
    writeFileSync(dest, isUtf8(bytes) ? render(bytes.toString('utf8'), vars) : bytes)
  }
  return files.map((f) => path.join(target, f.rel))
}

/** Adds `line` to the .gitignore in `dir` (creating it) unless it is already there. */
export function ensureGitignored(dir: string, line: string): boolean {
  const file = path.join(dir, '.gitignore')
  const current = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const present = current.split(/\r?\n/).some((l) => l.trim() === line || l.trim() === line.replace(/\/$/, ''))
  if (present) return false
  writeFileSync(file, `${current}${current && !current.endsWith('\n') ? '\n' : ''}${line}\n`)
  return true
}
