import type { Hook } from '@oclif/core'
import { printError } from '../cli/output.js'

const INSTALLS = new Set(['plugins:install', 'plugins:link'])

/** Before `plugins install` / `plugins link`: one line saying what installing a plugin means. */
const pluginTrust: Hook.Prerun = async function (options) {
  if (!INSTALLS.has(options.Command.id)) return
  printError(
    'note: a plugin is code that runs with your user rights (your files, network, environment and the secrets in your config) whenever circadian loads it; install only plugins you trust.',
  )
}

export default pluginTrust
