// Preloaded (node --require) by bench/config-load.mjs: prints the process's minor page faults as it exits.
process.on('exit', () => {
  require('node:fs').writeSync(2, `\nminor-page-faults=${process.resourceUsage().minorPageFault}\n`)
})
