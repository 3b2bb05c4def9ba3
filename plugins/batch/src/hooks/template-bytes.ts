import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { isUtf8 } from 'node:buffer'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url))

function filesUnder(dir: string, base = ''): string[] {
  return readdirSync(path.join(dir, base)).flatMap((entry) => {
    const rel = path.join(base, entry)
    return statSync(path.join(dir, rel)).isDirectory() ? filesUnder(dir, rel) : [rel]
  })
}

function templateOf(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--template' || a.startsWith('--template='))
  if (i === -1) return undefined
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1]
}

/**
 * `postrun` hook. `circadian init --template` copies template files as UTF-8 text, which garbles the sample
 * feed's Shift_JIS file. After `init` wrote one of this plugin's templates, copy its non-UTF-8 files again,
 * byte for byte. Remove once the core copies such files verbatim.
 */
export default async function restoreTemplateBytes(options: { Command?: { id?: string }; argv?: string[] }): Promise<void> {
  if (options.Command?.id !== 'init') return
  const name = templateOf(options.argv ?? [])
  if (!name) return
  const source = path.join(TEMPLATES, name)
  if (!existsSync(source) || !statSync(source).isDirectory()) return
  for (const rel of filesUnder(source)) {
    const bytes = readFileSync(path.join(source, rel))
    if (isUtf8(bytes)) continue
    const target = path.join(process.cwd(), rel.replace(/\.template$/, ''))
    if (existsSync(target)) writeFileSync(target, bytes)
  }
}
