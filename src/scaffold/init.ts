import path from 'node:path'
import { machineTimeZone } from '../schedule/zone.js'
import { copyTemplate, ensureGitignored } from './templates.js'

export interface InitResult {
  written: string[]
  gitignoreUpdated: boolean
}

/**
 * Writes a starter config (templates/<template>, from the core or an installed plugin) into `dir` and keeps
 * .circadian/ out of git.
 */
export function initProject(
  dir: string,
  options: { template: string; force: boolean; pluginRoots?: string[] },
): InitResult {
  const written = copyTemplate(
    options.template,
    dir,
    { timezone: machineTimeZone() },
    options.force,
    options.pluginRoots,
  )
  const gitignoreUpdated = ensureGitignored(dir, '.circadian/')
  return { written: written.map((f) => path.relative(dir, f) || f), gitignoreUpdated }
}
