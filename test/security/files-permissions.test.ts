import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8)

/** Every file and directory under `dir`, with its mode. */
function modes(dir: string): Array<[string, string, boolean]> {
  const out: Array<[string, string, boolean]> = []
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    const isDir = statSync(full).isDirectory()
    out.push([full, mode(full), isDir])
    if (isDir) out.push(...modes(full))
  }
  return out
}

describe('files circadian creates are private to the user, whatever the umask', () => {
  it('the transpiled-config cache, the V8 code cache, the state file and its -wal/-shm, and state export --out', async () => {
    const config = box.write(
      'circadian.config.ts',
      tsConfig(
        `{ connections: { wh: { client: 'pg', connection: 'postgres://u:literal-pw-123@127.0.0.1/x' } }, jobs: { j: { type: 'command', command: 'stat -c "%n %a" .circadian/*' } } }`,
      ),
    )
    const { chmodSync } = await import('node:fs')
    chmodSync(config, 0o600)
    const env = {}
    const run = await box.run(['run', 'j'], { env })
    expect(run.code, run.stderr).toBe(0)
    // While the store is open (the job runs inside `run`), SQLite's -wal and -shm files exist: the job lists them.
    const listed = (
      JSON.parse((await box.run(['history', '--json'], { env })).stdout) as {
        runs: Array<{ output: { stdout: string } }>
      }
    ).runs[0].output.stdout
    expect(listed).toMatch(/state\.db-wal/)
    for (const line of listed.trim().split('\n')) expect(line).toMatch(/ 600$/)
    expect((await box.run(['state', 'export', '--out', 'backup.jsonl'], { env })).code).toBe(0)

    const cache = path.join(box.home, '.cache', 'circadian')
    const cached = modes(cache)
    expect(
      cached.some(([f]) => f.endsWith('.json')),
      'a transpiled config is cached',
    ).toBe(true)
    expect(
      cached.some(([f]) => f.endsWith('.v8cache')),
      'a V8 code cache is written',
    ).toBe(true)
    expect(mode(cache)).toBe('700')
    for (const [file, m, isDir] of cached) expect(m, file).toBe(isDir ? '700' : '600')

    const state = path.join(box.dir, '.circadian')
    expect(mode(state)).toBe('700')
    const files = readdirSync(state)
    expect(files).toContain('state.db')
    for (const name of files) expect(mode(path.join(state, name)), name).toBe('600')
    expect(mode(path.join(box.dir, 'backup.jsonl'))).toBe('600')
  })
})
