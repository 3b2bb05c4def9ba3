// Writes oclif.manifest.json for a plugin root (default: this package), so the CLI lists and finds
// commands without importing their files. Run after the TypeScript build.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { Plugin } from '@oclif/core'

const root = path.resolve(process.argv[2] ?? '.')
const plugin = new Plugin({
  root,
  type: 'core',
  ignoreManifest: true,
  errorOnManifestCreate: true,
  respectNoCacheDefault: true,
})
await plugin.load()
writeFileSync(path.join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest)}\n`)
console.log(
  `oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands (${path.relative(process.cwd(), root) || '.'})`,
)
