import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

// What a hostile job prints: clear the screen, go up a line, erase it and forge a green "✔", write the
// clipboard (OSC 52), set the title (OSC 0, BEL), a C1 CSI (U+009B) and a carriage return that overwrites.
const HOSTILE =
  '\x1b[2J\x1b[1A\x1b[2K\x1b[32m✔ deploy succeeded\x1b[0m \x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07 \x1b]0;pwned\x07 \u009b31m red \rforged'
const SCRIPT = `process.stderr.write(${JSON.stringify(HOSTILE)} + "\\n"); process.exit(1)`

// eslint-disable-next-line no-control-regex -- what must never reach a terminal
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

let box: Sandbox
beforeEach(() => {
  box = sandbox()
  box.write('hostile.js', SCRIPT)
  box.write(
    'circadian.config.ts',
    tsConfig(`{ jobs: { hostile: { type: 'command', command: ['node', 'hostile.js'] } } }`),
  )
})
afterEach(() => box.cleanup())

const shown = (text: string) => JSON.stringify(text.match(CONTROL)?.[0])

describe('job output with terminal escape sequences', () => {
  it('run, history, dlq list, dlq show and status print it with every control character made visible', async () => {
    const outputs: Array<[string, string]> = []
    const cli = async (args: string[]) => {
      const r = await box.run(args)
      outputs.push([`${args.join(' ')} stdout`, r.stdout], [`${args.join(' ')} stderr`, r.stderr])
      return r
    }
    expect((await cli(['run', 'hostile'])).code).toBe(3)
    await cli(['history'])
    await cli(['history', `hostile${HOSTILE}`])
    // Errors that echo what was typed: an unknown command, a flag value that is not allowed.
    await cli([`hostile${HOSTILE}`])
    await cli(['history', '--status', HOSTILE])
    await cli(['dlq', 'list'])
    await cli(['dlq', 'show', '1'])
    await cli(['pause', 'hostile', '--reason', HOSTILE])
    await cli(['status'])
    for (const [where, text] of outputs) expect(CONTROL.test(text), `${where} holds ${shown(text)}`).toBe(false)
    const history = outputs.find(([w]) => w === 'history stdout')![1]
    expect(history).toContain('\\x1b[2J')
    expect(outputs.find(([w]) => w === 'dlq show 1 stdout')![1]).toContain('\\x1b]52;c;')
  })

  it('--json keeps the exact data, with the control characters escaped in the JSON text', async () => {
    await box.run(['run', 'hostile'])
    for (const args of [
      ['history', '--json'],
      ['dlq', 'list', '--json'],
      ['dlq', 'show', '1', '--json'],
      ['run', 'hostile', '--json'],
    ]) {
      const r = await box.run(args)
      expect(CONTROL.test(r.stdout), `${args.join(' ')} holds ${shown(r.stdout)}`).toBe(false)
      expect(r.stdout).toContain('\\u001b[2J')
    }
    const history = JSON.parse((await box.run(['history', '--json'])).stdout) as {
      runs: Array<{ output: { stderr: string } }>
    }
    expect(history.runs[0].output.stderr).toBe(`${HOSTILE}\n`)
  })
})
