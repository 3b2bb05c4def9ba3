// The build rewrites a few lines of its dependencies for start-up speed (scripts/bundle-options.mjs). These
// tests hold the rewritten code to the behaviour of the original.
import { isAscii } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import * as original from 'zod'
// @ts-expect-error: plain JavaScript build script, no declarations
import { bundleOptions, plainRangeSatisfies } from '../../scripts/bundle-options.mjs'

const require = createRequire(import.meta.url)
type Zod = typeof original.z

/** zod as the bundle builds it: through the build's own plugins. */
async function bundledZod(): Promise<{ z: Zod; code: string }> {
  const result = await build({
    stdin: { contents: "export { z } from 'zod'", resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    plugins: bundleOptions.plugins,
  })
  const code = result.outputFiles[0].text
  const module = { exports: {} as { z: Zod } }
  new Function('module', 'exports', 'require', code)(module, module.exports, require)
  return { z: module.exports.z, code }
}

/** The same schemas, built with whichever copy of zod. Every key kind the compiled object parser treats apart. */
function schemas(z: Zod) {
  const job = z
    .strictObject({
      type: z.string().min(1),
      description: z.string().optional(),
      enabled: z.boolean().default(true),
      every: z.number().int().min(1000).optional(),
      tags: z.array(z.string()).optional(),
      retry: z.strictObject({ attempts: z.number().int().min(1), delay: z.number().default(1000) }).optional(),
      overlap: z.enum(['skip', 'queue']).default('skip'),
      note: z.string().nullish(),
      anything: z.unknown(),
      maybe: z.any().optional(),
      later: z.string().default('x').optional(),
      trimmed: z.string().optional().transform((s) => s?.trim()),
      union: z.union([z.number(), z.string().optional()]),
      // Optional in and out, yet fails on undefined: an absent key's issue is dropped, a present one's is not.
      checked: z.string().optional().refine((v) => v !== undefined, 'must be set when given'),
    })
    .superRefine((j, ctx) => {
      if (j.every !== undefined && j.tags?.includes('never')) ctx.addIssue({ code: 'custom', path: ['tags'], message: 'never runs' })
    })
  const loose = z.object({ a: z.string().optional(), b: z.number().optional() })
  const withCatchall = z.object({ a: z.string().optional() }).catchall(z.number())
  return { job, loose, withCatchall }
}

const inputs: Array<[keyof ReturnType<typeof schemas>, unknown]> = [
  ['job', { type: 'command' }],
  ['job', { type: 'command', description: undefined, every: undefined }],
  ['job', { type: 'command', description: 'd', enabled: false, every: 5000, tags: ['a'], retry: { attempts: 2 } }],
  ['job', { type: 'command', retry: undefined, overlap: 'queue', note: null, anything: 3, maybe: { x: 1 }, later: undefined }],
  ['job', { type: 'command', later: 'y', trimmed: '  t  ', union: 'u' }],
  ['job', { type: 'command', union: undefined }],
  ['job', { type: 'command', checked: undefined }],
  ['job', { type: 'command', checked: 'ok' }],
  ['job', { type: '', description: 7, every: 10, tags: ['a', 2], retry: { attempts: 0, extra: 1 }, overlap: 'nope' }],
  ['job', { type: 'command', every: 5000, tags: ['never'] }],
  ['job', { type: 'command', unknownKey: 1 }],
  ['job', {}],
  ['job', 'not an object'],
  ['loose', {}],
  ['loose', { a: undefined, b: 2, c: 'kept out' }],
  ['loose', { a: 1 }],
  ['withCatchall', { x: 1, y: 'no' }],
  ['withCatchall', {}],
]

const describeResult = (r: { success: boolean; data?: unknown; error?: { issues: unknown[] } }) =>
  r.success ? { success: true, data: r.data, keys: Object.keys(r.data as object) } : { success: false, issues: r.error!.issues }

describe('zod as bundled: absent optional keys are skipped', () => {
  let bundled: { z: Zod; code: string }
  beforeAll(async () => {
    bundled = await bundledZod()
  })

  it('carries the rewrite', () => {
    expect(bundled.code).toContain('const absent = { value: undefined, issues: [] };')
    expect(bundled.code).toContain(': absent;')
  })

  it.each(inputs.map((entry, i) => [i, ...entry] as const))('input %i (%s) parses as with the original zod', (_i, name, input) => {
    const ours = schemas(bundled.z)[name]
    const theirs = schemas(original.z)[name]
    for (const options of [undefined, { reportInput: true }, { abortEarly: true } as never]) {
      expect(describeResult(ours.safeParse(input, options))).toEqual(describeResult(theirs.safeParse(input, options)))
    }
  })

  it('parses repeatedly with the same results (the shared absent result stays empty)', () => {
    const { job } = schemas(bundled.z)
    const first = describeResult(job.safeParse({ type: 'a' }))
    for (const [, input] of inputs) job.safeParse(input)
    expect(describeResult(job.safeParse({ type: 'a' }))).toEqual(first)
  })
})

describe('the engine check without semver', () => {
  const semver = require('semver') as { satisfies(v: string, r: string): boolean }
  const versions = ['18.19.0', '20.0.0', '20.11.1', '20.20.2', '21.0.0', '22.3.4', '19.9.9', '20.0.1', '100.0.0']
  const ranges = ['>=20', '>=20.0.0', '>= 20.11', '>=20.11.1', '>=20.11.2', '>=21', '>=v20', '>=18.19.0']

  it.each(ranges)('%s: agrees with semver for every release version', (range) => {
    for (const version of versions) expect(plainRangeSatisfies(version, range), `${version} ${range}`).toBe(semver.satisfies(version, range))
  })

  it('leaves other ranges and versions to semver', () => {
    expect(plainRangeSatisfies('20.0.0', '^20')).toBeUndefined()
    expect(plainRangeSatisfies('20.0.0', '>=18 <22')).toBeUndefined()
    expect(plainRangeSatisfies('21.0.0-pre', '>=20')).toBeUndefined()
  })
})

describe('the built bundle', () => {
  it('is ASCII, so bin/load-bundle.js reads it without the UTF-8 decoder', () => {
    expect(isAscii(readFileSync(new URL('../../dist/circadian.cjs', import.meta.url)))).toBe(true)
  })
})
