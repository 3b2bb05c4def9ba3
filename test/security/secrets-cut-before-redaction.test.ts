import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

// 16 characters, as in the report: the summary cut at 200 left 15 of them.
const SECRET = 'Zq7wX2pL9mK4vB8n'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

/** The pieces of SECRET of `n` characters or more found in `text`. */
function pieces(text: string, n = 6): string[] {
  const found: string[] = []
  for (let i = 0; i + n <= SECRET.length; i++)
    if (text.includes(SECRET.slice(i, i + n))) found.push(SECRET.slice(i, i + n))
  return found
}

describe('a cut made before redaction', () => {
  it('the 200-character summary and error keep no piece of a secret that straddles the cut', async () => {
    // The secret starts at character 199 of the last line: the old cut kept its first character only, the
    // redaction then saw no secret; at 185 it kept 15 of 16.
    box.write('line.txt', `${'a'.repeat(185)}${SECRET} and more\n`)
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: {
        ok: { type: 'command', env: { S: env('SECRET') }, command: 'cat line.txt' },
        failing: { type: 'command', env: { S: env('SECRET') }, command: 'cat line.txt >&2; exit 1' },
      } }`),
    )
    const env = { SECRET }
    const run = await box.run(['run', '--all', '--json'], { env })
    expect(run.code).toBe(3)
    const history = await box.run(['history', '--json'], { env })
    const runs = (
      JSON.parse(history.stdout) as { runs: Array<{ job: string; summary: string | null; error: string | null }> }
    ).runs
    const ok = runs.find((r) => r.job === 'ok')!
    const failing = runs.find((r) => r.job === 'failing')!
    expect(pieces(ok.summary ?? ''), 'summary').toEqual([])
    expect(pieces(failing.error ?? ''), 'error').toEqual([])
    expect(ok.summary).toContain('[redacted]')
    expect(ok.summary!.length).toBeLessThanOrEqual(200)
    for (const text of [run.stdout, run.stderr, history.stdout]) expect(pieces(text)).toEqual([])
  })

  it('the 64 KB output tail keeps no end of a secret that straddles where it starts', async () => {
    // The tail keeps the last 65536 bytes: put the cut 5 characters into the secret. The rest of its line is
    // longer than the 200 characters within which a partial first line is dropped, so the old tail kept it.
    const firstLine = ` ${'y'.repeat(250)}\n`
    const lines = 'line of output\n'.repeat(Math.floor((65536 - 11 - firstLine.length) / 15))
    const after = `${firstLine}${lines}${'x'.repeat(65536 - 11 - firstLine.length - lines.length - 1)}\n`
    box.write('out.txt', `start\n${SECRET}${after}`)
    expect(Buffer.byteLength(`${SECRET.slice(5)}${after}`)).toBe(65536)
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { big: { type: 'command', env: { S: env('SECRET') }, command: 'cat out.txt' } } }`),
    )
    const env = { SECRET }
    expect((await box.run(['run', 'big'], { env })).code).toBe(0)
    const history = await box.run(['history', '--json'], { env })
    const [row] = (JSON.parse(history.stdout) as { runs: Array<{ output: { stdout: string } }> }).runs
    expect(row.output.stdout).toContain('[… earlier output dropped]')
    expect(pieces(row.output.stdout)).toEqual([])
    expect(pieces(history.stdout)).toEqual([])
  })
})
