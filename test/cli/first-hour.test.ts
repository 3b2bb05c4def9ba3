// Issue 23, "the first hour as a new user": the rough edges a newcomer meets in messages and commands.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

const NO_STACK = /\n\s+at .+:\d+:\d+/

describe('loading a config', () => {
  it('a module without a default export names what it found, exit 2', async () => {
    box.write(
      'circadian.config.ts',
      `import { defineConfig } from 'circadian'\nexport const config = defineConfig({ jobs: {} })\nexport const other = 1\n`,
    )
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('has no default export (found: config, other)')
    expect(r.stderr).not.toMatch(NO_STACK)
    box.write('circadian.config.ts', `export {}\n`)
    const none = await box.run(['validate'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('has no default export (found: no exports)')
  })

  it('a JSON config with a trailing comma: one message with its line, column and one code frame', async () => {
    box.write('circadian.config.json', '{\n  "jobs": {\n    "a": { "type": "command", "command": "x", }\n  }\n}\n')
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('invalid JSON at line 3, column')
    expect(r.stderr.match(/\| +\^/g)).toHaveLength(1)
    expect(r.stderr.match(/"command": "x", }/g)).toHaveLength(1)
  })

  it('run --all with no enabled jobs says so (not "nothing was due")', async () => {
    box.write('circadian.config.ts', tsConfig(`{ jobs: { a: { type: 'command', command: 'true', enabled: false } } }`))
    const r = await box.run(['run', '--all'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('nothing ran: ')
    expect(r.stdout).toContain('has no enabled jobs')
    expect(r.stdout).not.toContain('due')
  })
})

describe('validation messages', () => {
  it('priority lists its forms; a list item points at its index; a YAML boolean is "a boolean"; impossible dates are refused', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { a: { type: 'command', command: ['echo', 1], priority: 'URGENT', calendar: { skip: ['2026-02-30', '2026-02-28', '2026-13-01', 'x'] } }, b: { type: 'command', command: 'x', priority: 'hihg' } } }`,
      ),
    )
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'jobs.a.priority: "URGENT" is not a priority: write LOW, NORMAL, HIGH or CRITICAL, or an integer',
    )
    expect(r.stderr).toContain('jobs.a.command[1]: must be a string (got a number)')
    expect(r.stderr).toContain('jobs.a.calendar.skip[0]: "2026-02-30" is not a date (no such day in that month)')
    expect(r.stderr).not.toContain('skip[1]')
    expect(r.stderr).toContain('jobs.a.calendar.skip[2]: "2026-13-01" is not a date')
    expect(r.stderr).toContain('jobs.a.calendar.skip[3]: dates are YYYY-MM-DD')
    expect(r.stderr).not.toMatch(/skip\[3\]: "x" is not a date/)
    expect(r.stderr).toContain('jobs.b.priority: "hihg" is not a priority')
    expect(r.stderr).toContain('did you mean "HIGH"?')
    expect(r.stderr).not.toContain('does not match any of the allowed forms')
    box.write('circadian.config.ts', tsConfig(`{ jobs: {} }`))
    writeFileSync(path.join(box.dir, 'circadian.config.ts'), '')
    box.write('y/circadian.config.yaml', 'jobs:\n  a:\n    type: command\n    command: true\n')
    const y = await box.run(['validate', '--config', 'y/circadian.config.yaml'])
    expect(y.code).toBe(2)
    expect(y.stderr).toContain('jobs.a.command: must be a string or a list (got a boolean)')
  })
})

describe('dead letters and plugins', () => {
  it('dlq show/replay with an id that is not a number: usage error, exit 2', async () => {
    box.write('circadian.config.ts', tsConfig(`{ jobs: { a: { type: 'command', command: 'true' } } }`))
    for (const command of [
      ['dlq', 'show', 'abc'],
      ['dlq', 'replay', 'abc'],
    ]) {
      const r = await box.run(command)
      expect(r.code, command.join(' ')).toBe(2)
      expect(r.stderr).toContain('"abc" is not a dead letter id')
      expect(r.stderr).not.toContain('Unexpected error')
    }
  })

  it('dlq show: options are redacted as data, so a secret that JSON escapes cannot break the quoting', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { a: { type: 'command', command: 'exit 1', env: { TOKEN: env('TOKEN', { default: 'abc\\\\def\\\\' }) } } } }`,
      ),
    )
    expect((await box.run(['run', 'a'])).code).toBe(3)
    // Now the same text is a secret (read from the environment): the stored option must print as [redacted].
    const r = await box.run(['dlq', 'show', '1'], { env: { TOKEN: 'abc\\def\\' } })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('"TOKEN": "[redacted]"')
    expect(r.stdout).not.toContain('abc')
  })

  it('a plugin whose hook has a syntax error is named with its file and line', async () => {
    const dir = path.join(box.dir, '..', 'broken-syntax')
    expect((await box.run(['plugins', 'new', dir])).code).toBe(0)
    writeFileSync(
      path.join(dir, 'hooks', 'job-types.js'),
      `export default async function () {\n  return [\n    {{ nope\n  ]\n}\n`,
    )
    expect((await box.run(['plugins', 'link', dir])).code).toBe(0)
    box.write('circadian.config.ts', tsConfig(`{ jobs: { c: { type: 'command', command: 'true' } } }`))
    const r = await box.run(['validate'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(
      /warning: plugin circadian-plugin-broken-syntax: its job-types hook failed: syntax error: .+ \(.*broken-syntax\/hooks\/job-types\.js:3:\d+\)/,
    )
  })
})
