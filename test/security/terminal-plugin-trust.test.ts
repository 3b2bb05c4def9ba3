import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

const NOTE = /a plugin is code that runs with your user rights/

describe('installing a plugin', () => {
  it('plugins link says once that the plugin runs code with the user rights', async () => {
    const dir = path.join(box.home, 'some-plugin')
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'circadian-some-plugin', version: '1.0.0', type: 'module', oclif: {} }),
    )
    const r = await box.run(['plugins', 'link', dir, '--no-install'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr.match(new RegExp(NOTE, 'g'))).toHaveLength(1)
    expect(r.stdout).not.toMatch(NOTE)
  })

  it('plugins install says it before anything is installed; other commands do not', async () => {
    const r = await box.run(['plugins', 'install', 'file:./no-such-plugin-dir'], { timeoutMs: 120_000 })
    expect(r.stderr).toMatch(NOTE)
    const list = await box.run(['plugins'])
    expect(list.stderr).not.toMatch(NOTE)
  })
})
