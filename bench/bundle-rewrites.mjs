// bench/bundle-rewrites: what each rewrite of a dependency in scripts/bundle-options.mjs saves.
// Builds the CLI bundle once with every rewrite and once without each one, then times `circadian validate`
// of the 1,000-job config (warm caches) and `circadian list` of a 2-job config with each bundle, the variants
// interleaved run by run so that the machine's load affects them alike. It reports CPU time, not wall time:
// on a shared machine wall time varies by far more than the few ms a rewrite is worth. A rewrite stays in the build only if
// it saves ≥ 5 ms (issue 23).
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import {
  REWRITES,
  bundleOptions,
  dependencyRewritesPlugin,
  englishOnlyZod,
  routeDynamicImports,
} from '../scripts/bundle-options.mjs'
import { generateConfig } from './lib/generate-config.mjs'
import { median } from './lib/measure.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CPU = fileURLToPath(new URL('./lib/report-cpu.cjs', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 15)

/** Every single rewrite, named `file#n`, and REWRITES without it. A file whose rewrites work only together
 * (BENCH_TOGETHER, comma-separated) is one variant. */
const together = new Set((process.env.BENCH_TOGETHER ?? '').split(',').filter(Boolean))
const singles = Object.entries(REWRITES).flatMap(([file, list]) =>
  together.has(file) ? [file] : list.map((_, i) => `${file}#${i}`),
)
const without = (name) => {
  const [file, index] = name.split('#')
  const rest = index === undefined ? [] : REWRITES[file].filter((_, i) => i !== Number(index))
  const out = { ...REWRITES }
  if (rest.length) out[file] = rest
  else delete out[file]
  return out
}

async function bundle(rewrites) {
  const result = await build({
    ...bundleOptions,
    plugins: [englishOnlyZod, dependencyRewritesPlugin(rewrites)],
    write: false,
    minifyWhitespace: true,
    minifySyntax: true,
  })
  const { code } = routeDynamicImports(result.outputFiles[0].text)
  return code.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const work = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-rewrites-'))
try {
  const variants = [
    { name: 'all rewrites', rewrites: REWRITES },
    ...singles.map((s) => ({ name: `without ${s}`, rewrites: without(s) })),
  ]
  for (const [i, v] of variants.entries()) {
    // A package root of its own: bin/, package.json and the manifest copied, node_modules shared.
    v.root = path.join(work, `v${i}`)
    mkdirSync(path.join(v.root, 'dist'), { recursive: true })
    for (const entry of ['bin', 'package.json', 'oclif.manifest.json'])
      cpSync(path.join(ROOT, entry), path.join(v.root, entry), { recursive: true })
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(v.root, 'node_modules'), 'dir')
    writeFileSync(path.join(v.root, 'dist', 'circadian.cjs'), await bundle(v.rewrites))
    v.env = { ...process.env, XDG_CACHE_HOME: path.join(v.root, 'cache') }
    v.times = { validate: [], list: [] }
  }
  const big = path.join(work, 'big.config.ts')
  writeFileSync(big, generateConfig(1000))
  const small = path.join(work, 'small.config.ts')
  writeFileSync(small, generateConfig(2))
  const commands = { validate: ['validate', '--config', big], list: ['list', '--config', small] }
  // CPU time of the whole process (user + system), reported by the process itself at exit.
  const time = (v, args) => {
    const r = spawnSync(process.execPath, ['--require', CPU, path.join(v.root, 'bin', 'run.js'), ...args], {
      cwd: work,
      env: v.env,
      encoding: 'utf8',
    })
    if (r.status !== 0) throw new Error(`${v.name}: ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
    return Number(/cpu-ms=([\d.]+)/.exec(r.stderr)[1])
  }
  // Warm-up: each variant writes its own code cache and transpile cache.
  for (const v of variants) for (const args of Object.values(commands)) for (let i = 0; i < 2; i++) time(v, args)
  for (let round = 0; round < runs; round++) {
    for (const v of variants) for (const [name, args] of Object.entries(commands)) v.times[name].push(time(v, args))
  }
  const base = variants[0]
  console.log(
    `bench/bundle-rewrites: CPU ms (user + system) of whole processes, median of ${runs} interleaved runs, warm caches; "saves" = without it minus with all`,
  )
  console.log(`  ${'variant'.padEnd(56)} ${'validate 1,000 jobs'.padStart(20)} ${'list 2 jobs'.padStart(14)}`)
  for (const v of variants) {
    const cell = (name) => {
      const m = median(v.times[name])
      return v === base ? `${m.toFixed(1)} ms` : `${m.toFixed(1)} (saves ${(m - median(base.times[name])).toFixed(1)})`
    }
    console.log(`  ${v.name.padEnd(56)} ${cell('validate').padStart(20)} ${cell('list').padStart(22)}`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
