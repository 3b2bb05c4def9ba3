// `npm run build` is a no-op when dist/ is up to date: npx, run in a fresh clone, installs the package from
// its own directory and runs `prepare` (the build) a second time; that second build must cost nothing.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error: plain JavaScript build script, no declarations
import { STAMP, buildInputs, staleReason } from '../../scripts/build-stamp.mjs'
import { ROOT } from '../helpers/cli.js'

const mtimes = (files: string[]) => files.map((f) => statSync(path.join(ROOT, f)).mtimeMs)

describe('the build stamp', () => {
  it('the built repository is up to date, and building again skips the build and touches nothing', () => {
    expect(staleReason(ROOT), 'run `npm run build` first').toBeNull()
    const outputs = [
      'dist/circadian.cjs',
      'dist/index.js',
      'oclif.manifest.json',
      'plugins/batch/dist/hooks-bundle',
      STAMP,
    ]
    const before = mtimes(outputs)
    const out = execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' })
    expect(out).toContain('dist/ is up to date with the sources')
    expect(out).not.toContain('building')
    expect(mtimes(outputs)).toEqual(before)
  })

  it('covers the sources, the build scripts, the package files and tsconfig, of the core and of every plugin', () => {
    const inputs: string[] = buildInputs(ROOT)
    for (const file of [
      'src/index.ts',
      'scripts/bundle.mjs',
      'bin/load-bundle.js',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'plugins/batch/src/hooks/job-types.ts',
      'plugins/batch/package.json',
    ]) {
      expect(inputs).toContain(file)
    }
    expect(inputs.some((f) => f.includes('node_modules') || f.startsWith('dist/') || f.startsWith('test/'))).toBe(false)
  })

  describe('in a copy of the repository', () => {
    let copy: string
    beforeAll(() => {
      copy = mkdtempSync(path.join(os.tmpdir(), 'circadian-stamp-'))
      for (const entry of [
        'src',
        'scripts',
        'bin',
        'dist',
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'tsconfig.check.json',
        'oclif.manifest.json',
      ]) {
        cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true })
      }
      for (const plugin of ['batch', 'memory', 'sql-alerts'])
        cpSync(path.join(ROOT, 'plugins', plugin), path.join(copy, 'plugins', plugin), {
          recursive: true,
          filter: (f) => !f.includes('node_modules'),
        })
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir')
    })
    afterAll(() => rmSync(copy, { recursive: true, force: true }))

    it('is up to date where the stamp was made (the stamp does not depend on the directory)', () => {
      expect(staleReason(copy)).toBeNull()
    })

    it('a changed source, build script or plugin source makes the build run', () => {
      for (const file of [
        'src/paths.ts',
        'scripts/bundle-options.mjs',
        'plugins/memory/src/hooks/job-types.ts',
        'tsconfig.json',
      ]) {
        const full = path.join(copy, file)
        const original = readFileSync(full, 'utf8')
        writeFileSync(full, `${original}\n`)
        expect(staleReason(copy), file).toBe('sources changed')
        writeFileSync(full, original)
        expect(staleReason(copy), file).toBeNull()
      }
    })

    it('a missing or changed output makes the build run', () => {
      const bundle = path.join(copy, 'dist', 'circadian.cjs')
      writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}\n`)
      expect(staleReason(copy)).toBe('dist/circadian.cjs is changed')
      unlinkSync(path.join(copy, 'plugins', 'batch', 'oclif.manifest.json'))
      expect(staleReason(copy)).toBe('dist/circadian.cjs is changed')
      cpSync(path.join(ROOT, 'dist', 'circadian.cjs'), bundle)
      expect(staleReason(copy)).toBe('plugins/batch/oclif.manifest.json is missing')
      rmSync(path.join(copy, STAMP))
      expect(staleReason(copy)).toBe('no build stamp')
    })
  })
})
