import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

let root: string | undefined

/**
 * The circadian package directory. Found by walking up from this module, so it is right both for the
 * per-module build (dist/paths.js) and for the single-file CLI bundle (dist/circadian.cjs).
 */
export function packageRoot(): string {
  if (root) return root
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = path.join(dir, 'package.json')
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'circadian') return (root = dir)
    const parent = path.dirname(dir)
    if (parent === dir)
      throw new Error(`circadian: cannot find its package.json above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

export const packagePath = (...parts: string[]): string => path.join(packageRoot(), ...parts)
