import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { packagePath } from '../paths.js'

let registered = false

/**
 * Makes `import 'circadian'` resolve to this CLI from any directory, so a plugin needs no copy of circadian
 * of its own. (Plugins are ES modules: Node 20 cannot require() this ESM API from CommonJS.)
 */
export function registerApiResolution(): void {
  if (registered) return
  registered = true
  register(pathToFileURL(packagePath('dist', 'cli', 'resolve-hook.js')), {
    data: { apiUrl: pathToFileURL(packagePath('dist', 'index.js')).href },
  })
}
