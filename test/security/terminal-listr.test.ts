import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BIN, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

// The hostile output of terminal-escapes.test.ts, seen by listr2's live task list on a real terminal.
const HOSTILE =
  '\x1b[2J\x1b[1A\x1b[2K\x1b[32m✔ deploy succeeded\x1b[0m \x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07 \u009b31m red'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
  box.write('hostile.js', `process.stderr.write(${JSON.stringify(HOSTILE)} + "\\n"); process.exit(1)`)
  box.write(
    'circadian.config.ts',
    tsConfig(
      `{ jobs: { hostile: { type: 'command', command: ['node', 'hostile.js'], retry: { attempts: 2, delay: '10ms' } } } }`,
    ),
  )
})
afterEach(() => box.cleanup())

/** Runs the CLI on a pseudo-terminal (util-linux `script`), 200 columns wide, and returns what it drew. */
function onTerminal(args: string[]): Promise<string> {
  const env = { ...box.env }
  delete env.CI
  const command = `stty cols 200 rows 50; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')}`
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: box.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (out += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(timer)
      resolve(out)
    })
  })
}

describe.skipIf(!existsSync('/usr/bin/script'))('run on a terminal (listr2)', () => {
  it('shows retries and failures with the job output escaped, not obeyed', async () => {
    const drawn = await onTerminal(['run', 'hostile'])
    // listr2's own drawing is there: this was the live renderer.
    expect(drawn).toContain('\x1b[?25l')
    expect(drawn).toContain('hostile failed after')
    for (const sequence of ['\x1b[2J', '\x1b]52;', '\x1b[32m✔ deploy', '\u009b'])
      expect(drawn, JSON.stringify(sequence)).not.toContain(sequence)
    expect(drawn).toContain('\\x1b]52;c;')
  })
})
