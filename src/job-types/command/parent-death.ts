import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import path from 'node:path'

/**
 * On Linux, a command's process is started through util-linux's `setpriv --pdeathsig KILL`, which sets
 * PR_SET_PDEATHSIG before it execs the program (Node has no prctl): if circadian dies, even by SIGKILL, the
 * kernel kills that process at once. Its own children do not inherit the signal; they are in its process
 * group, which the instance recovering the run kills (serve/recovery.ts). Without setpriv, programs start
 * as they always did. Measured cost: about 2 ms per spawn.
 */
const CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv']

let setpriv: string | null | undefined

function findSetpriv(): string | null {
  if (setpriv !== undefined) return setpriv
  setpriv = null
  if (process.platform !== 'linux') return setpriv
  for (const candidate of CANDIDATES) {
    try {
      accessSync(candidate, constants.X_OK)
    } catch {
      continue
    }
    const probe = spawnSync(candidate, ['--pdeathsig', 'KILL', '--', '/bin/true'], { stdio: 'ignore', timeout: 5000 })
    if (probe.status === 0) setpriv = candidate
    break
  }
  return setpriv
}

/** Whether `program` would be found (so a missing one still fails as "command not found", not via setpriv). */
function resolvable(program: string, env: NodeJS.ProcessEnv, cwd: string): boolean {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK)
      return true
    } catch {
      return false
    }
  }
  if (program.includes('/')) return executable(path.resolve(cwd, program))
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir && executable(path.join(dir, program)))
}

/** The file and arguments to spawn: wrapped in setpriv when it is available and the program exists. */
export function withParentDeathSignal(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): [string, string[]] {
  const wrapper = findSetpriv()
  if (!wrapper || !resolvable(file, env, cwd)) return [file, args]
  return [wrapper, ['--pdeathsig', 'KILL', '--', file, ...args]]
}
