// The examples in README.md and docs/ marked runnable (a fence whose info string has the word `runnable`,
// e.g. ```sh runnable or ```console runnable) are run as written, offline, in a fresh temp project: in a
// `sh` block every line is a command (a `#` comment ends it); in a `console` block the lines starting with
// `$ ` are. `npx circadian` and `circadian` are this repository's CLI. The project gets `circadian init` first,
// unless the block's first command is that. Every command must exit 0 without an unexpected error.
import { readFileSync, readdirSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BIN, ROOT, type Sandbox, sandbox } from '../helpers/cli.js'

interface Example {
  file: string
  line: number
  commands: string[]
}

function runnableExamples(): Example[] {
  const files = [
    'README.md',
    ...readdirSync(path.join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]
  const examples: Example[] = []
  for (const file of files) {
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n')
    for (let i = 0; i < lines.length; i++) {
      const fence = /^```(\w+)\s+(.*)$/.exec(lines[i])
      if (!fence || !fence[2].split(/\s+/).includes('runnable')) continue
      const commands: string[] = []
      let j = i + 1
      for (; j < lines.length && !lines[j].startsWith('```'); j++) {
        const text = fence[1] === 'console' ? (lines[j].startsWith('$ ') ? lines[j].slice(2) : '') : lines[j]
        const command = text.replace(/\s#.*$/, '').trim()
        if (command && !command.startsWith('#')) commands.push(command)
      }
      examples.push({ file, line: i + 1, commands })
      i = j
    }
  }
  return examples
}

let box: Sandbox | undefined
afterEach(() => box?.cleanup())

describe('runnable examples in README and docs', () => {
  const examples = runnableExamples()

  it('there are some (the marker is in use)', () => {
    expect(examples.length).toBeGreaterThan(0)
    expect(examples.every((e) => e.commands.length > 0)).toBe(true)
  })

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s runs', (_where, example) => {
    box = sandbox()
    const bin = path.join(box.home, 'bin')
    mkdirSync(bin, { recursive: true })
    const wrapper = path.join(bin, 'circadian')
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
    chmodSync(wrapper, 0o755)
    const env = { ...box.env, PATH: `${bin}:${process.env.PATH}` }
    const commands = example.commands.map((c) => c.replace(/^npx\s+circadian\b/, 'circadian'))
    if (!/^circadian init\b/.test(commands[0])) commands.unshift('circadian init')
    for (const command of commands) {
      const r = spawnSync('sh', ['-c', command], { cwd: box.dir, env, encoding: 'utf8', timeout: 60_000 })
      const output = `${r.stdout}\n${r.stderr}`
      expect(r.status, `${command}\n${output}`).toBe(0)
      expect(output).not.toContain('Unexpected error')
    }
  })
})
