import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

describe('third-party plugins', () => {
  it('a generated plugin skeleton, once linked, contributes a job type that validate and run accept', async () => {
    const dir = path.join(box.dir, '..', 'circadian-plugin-greet')
    const created = await box.run(['plugins', 'new', dir])
    expect(created.code).toBe(0)
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { hi: { type: 'greet', schedule: '0 9 * * *', name: 'world', shout: true } } }`),
    )
    const before = await box.run(['validate'])
    expect(before.code).toBe(2)
    expect(before.stderr).toContain('unknown job type "greet"')

    const linked = await box.run(['plugins', 'link', dir])
    expect(linked.code).toBe(0)
    expect(linked.stderr).not.toMatch(/warning/i)
    expect((await box.run(['plugins'])).stdout).toContain('circadian-plugin-greet')

    expect((await box.run(['validate'])).code).toBe(0)
    const run = await box.run(['run', 'hi', '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).runs[0]).toMatchObject({
      status: 'succeeded',
      summary: 'HELLO, WORLD',
      data: { runs: 1 },
    })
    // Its key-value state persists between runs.
    expect(JSON.parse((await box.run(['run', 'hi', '--json'])).stdout).runs[0].data).toEqual({ runs: 2 })

    // Its option schema validates with full paths and suggestions.
    box.write('circadian.config.ts', tsConfig(`{ jobs: { hi: { type: 'greet', nmae: 'x' } } }`))
    const bad = await box.run(['validate', '--json'])
    expect(JSON.parse(bad.stdout).errors).toEqual([
      { path: 'jobs.hi.name', message: 'is required' },
      { path: 'jobs.hi.nmae', message: 'unknown key "nmae" (did you mean "name"?)' },
    ])

    expect((await box.run(['plugins', 'uninstall', 'circadian-plugin-greet'])).code).toBe(0)
    expect((await box.run(['validate'])).code).toBe(2)
  })

  it('two plugins claiming one job type: a config error naming both', async () => {
    const a = path.join(box.dir, '..', 'plugin-a')
    const b = path.join(box.dir, '..', 'plugin-b')
    await box.run(['plugins', 'new', a, '--type', 'sync'])
    await box.run(['plugins', 'new', b, '--type', 'sync'])
    await box.run(['plugins', 'link', a])
    await box.run(['plugins', 'link', b])
    box.write('circadian.config.ts', tsConfig(`{ jobs: { s: { type: 'sync', name: 'x' } } }`))
    const r = await box.run(['validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /job type "sync" is claimed by two plugins: circadian-plugin-plugin-(a|b) and circadian-plugin-plugin-(a|b)/,
    )
  })

  it('a plugin whose hook throws is reported by name and the others still load', async () => {
    const dir = path.join(box.dir, '..', 'broken')
    await box.run(['plugins', 'new', dir])
    writeFileSync(
      path.join(dir, 'hooks', 'job-types.js'),
      `export default async function () { throw new Error('cannot reach license server') }\n`,
    )
    await box.run(['plugins', 'link', dir])
    box.write('circadian.config.ts', tsConfig(`{ jobs: { c: { type: 'command', command: 'true' } } }`))
    const r = await box.run(['validate'])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(
      'warning: plugin circadian-plugin-broken: its job-types hook failed: cannot reach license server',
    )
  })
})
