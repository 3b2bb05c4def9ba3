#!/usr/bin/env node
// `--version` answers without loading oclif (a CI step calling it pays ~30 ms, not ~200 ms).
const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const { readFileSync } = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const { loadBundle } = await import('./load-bundle.js')
  const cli = loadBundle(new URL('../dist/circadian.cjs', import.meta.url))
  // Plugins run as built JavaScript; never try to transpile a linked plugin's TypeScript on the fly.
  cli.settings.enableAutoTranspile = false
  await cli.execute({ dir: import.meta.url })
  // A read-only command that is done (see BaseCommand.exitWhenDone) exits once its output is written,
  // rather than after V8's background compiler jobs have drained.
  if (globalThis[Symbol.for('circadian.exit-when-done')]) {
    // Pipes are asynchronous on macOS: let the output reach them first.
    for (const stream of [process.stdout, process.stderr]) {
      if (stream.writableLength > 0) await new Promise((resolve) => stream.once('drain', resolve))
    }
    process.exit()
  }
}
