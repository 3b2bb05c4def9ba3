import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { fakeClockEnv } from './clock.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** A temp project directory with its own HOME, so plugin links and caches never leak between tests. */
export interface Sandbox {
  dir: string
  home: string
  env: NodeJS.ProcessEnv
  write(file: string, content: string): string
  run(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult>
  cleanup(): void
}

export function sandbox(): Sandbox {
  const base = mkdtempSync(path.join(os.tmpdir(), 'circadian-cli-'))
  const dir = path.join(base, 'project')
  const home = path.join(base, 'home')
  mkdirSync(dir, { recursive: true })
  mkdirSync(home, { recursive: true })
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    TZ: 'UTC',
    NO_COLOR: '1',
    CI: '1',
    // Under `npm run test:clock` the CLI shares the test's fake clock; otherwise this adds nothing.
    ...fakeClockEnv(),
  }
  return {
    dir,
    home,
    env,
    write(file, content) {
      const full = path.resolve(dir, file)
      mkdirSync(path.dirname(full), { recursive: true })
      writeFileSync(full, content)
      return full
    },
    run: (args, options = {}) =>
      runCli(args, { cwd: options.cwd ?? dir, env: { ...env, ...options.env }, timeoutMs: options.timeoutMs }),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  }
}

export function runCli(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(
          `circadian ${args.join(' ')} did not finish in ${options.timeoutMs ?? 60_000}ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      )
    }, options.timeoutMs ?? 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** A config file body importing the public API the way users write it. */
export function tsConfig(body: string): string {
  return `import { defineConfig, env } from 'circadian'\nvoid env\nexport default defineConfig(${body})\n`
}
