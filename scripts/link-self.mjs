// First-party plugins (plugins/*) `import 'circadian'`. In an installed package that resolves to the package
// itself (plugins ship inside it); in this repository npm does not link the root package into node_modules,
// so the build does: node_modules/circadian -> ..
import { existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs'

const link = 'node_modules/circadian'
if (
  !existsSync(link) &&
  !(() => {
    try {
      return lstatSync(link).isSymbolicLink()
    } catch {
      return false
    }
  })()
) {
  mkdirSync('node_modules', { recursive: true })
  symlinkSync('..', link, 'dir')
  console.log('linked node_modules/circadian -> ..')
}
