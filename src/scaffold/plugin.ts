import path from 'node:path'
import { ScaffoldError, copyTemplate } from './templates.js'

export interface PluginSkeleton {
  dir: string
  packageName: string
  type: string
  files: string[]
}

/** Writes a third-party plugin (templates/plugin) that contributes one job type. */
export function writePluginSkeleton(dir: string, options: { type?: string; force: boolean }): PluginSkeleton {
  const base =
    path
      .basename(path.resolve(dir))
      .toLowerCase()
      .replace(/^circadian-plugin-/, '')
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'example'
  const type = options.type ?? base
  if (!/^[a-z][a-z0-9-]*$/.test(type))
    throw new ScaffoldError(`--type "${type}" must be lowercase letters, digits and dashes, starting with a letter`)
  const packageName = `circadian-plugin-${base}`
  const files = copyTemplate(
    'plugin',
    path.resolve(dir),
    {
      name: packageName,
      type,
      type_ident: `${type.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())}JobType`,
    },
    options.force,
  )
  return { dir: path.resolve(dir), packageName, type, files }
}
