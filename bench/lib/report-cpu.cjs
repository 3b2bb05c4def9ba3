// Loaded with --require: writes the process's CPU time (user + system, ms) to stderr at exit. Less sensitive
// than wall time to other processes on a busy machine.
process.on('exit', () => {
  const { user, system } = process.cpuUsage()
  process.stderr.write(`\ncpu-ms=${((user + system) / 1000).toFixed(1)}\n`)
})
