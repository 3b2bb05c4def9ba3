// The build's stamp: a hash of everything the build reads (sources, build scripts, package files, tsconfigs,
// the Node version the code cache is made for) and the files it wrote. `npm run build` (and `prepare`, which
// npm runs again when npx installs this package from its own directory) skips the build when the stamp still
// matches: same inputs, every output present with the size it had.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export const STAMP = 'dist/.build-stamp.json'

const WORKSPACES = 'plugins'
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'test', 'coverage'])

function walk(dir, out) {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(full, out)
    } else if (entry.isFile()) out.push(full)
  }
  return out
}

const plugins = (root) =>
  existsSync(path.join(root, WORKSPACES))
    ? readdirSync(path.join(root, WORKSPACES))
        .filter((p) => existsSync(path.join(root, WORKSPACES, p, 'package.json')))
        .sort()
    : []

/** Every file the build reads, relative to `root`, in a stable order. */
export function buildInputs(root) {
  const files = []
  for (const dir of ['src', 'scripts', 'bin']) walk(path.join(root, dir), files)
  for (const name of readdirSync(root).sort())
    if (/^(package(-lock)?\.json|tsconfig.*\.json)$/.test(name)) files.push(path.join(root, name))
  for (const plugin of plugins(root)) {
    const base = path.join(root, WORKSPACES, plugin)
    walk(path.join(base, 'src'), files)
    for (const name of readdirSync(base).sort())
      if (/^(package\.json|tsconfig.*\.json)$/.test(name)) files.push(path.join(base, name))
  }
  return files.map((f) => path.relative(root, f).split(path.sep).join('/'))
}

/** The files the build writes (besides the stamp), with their sizes. */
export function buildOutputs(root) {
  const files = walk(path.join(root, 'dist'), [])
  for (const plugin of plugins(root)) walk(path.join(root, WORKSPACES, plugin, 'dist'), files)
  for (const manifest of [
    'oclif.manifest.json',
    ...plugins(root).map((p) => `${WORKSPACES}/${p}/oclif.manifest.json`),
  ]) {
    if (existsSync(path.join(root, manifest))) files.push(path.join(root, manifest))
  }
  const outputs = {}
  for (const file of files) {
    const rel = path.relative(root, file).split(path.sep).join('/')
    if (rel !== STAMP) outputs[rel] = statSync(file).size
  }
  return outputs
}

export function inputsHash(root) {
  const hash = createHash('sha256').update(`node ${process.version}\n`)
  for (const file of buildInputs(root))
    hash
      .update(`${file}\n`)
      .update(readFileSync(path.join(root, file)))
      .update('\n')
  return hash.digest('hex')
}

/** `inputs`: the hash taken before the build started, so a source edited during the build is seen next time. */
export function writeStamp(root, inputs) {
  const stamp = { inputs, outputs: buildOutputs(root) }
  writeFileSync(path.join(root, STAMP), `${JSON.stringify(stamp, null, 1)}\n`)
  return stamp
}

/** Why the build must run, or null when dist/ is up to date. */
export function staleReason(root) {
  let stamp
  try {
    stamp = JSON.parse(readFileSync(path.join(root, STAMP), 'utf8'))
  } catch {
    return 'no build stamp'
  }
  if (stamp.inputs !== inputsHash(root)) return 'sources changed'
  const outputs = buildOutputs(root)
  for (const [file, size] of Object.entries(stamp.outputs ?? {})) {
    if (outputs[file] !== size) return `${file} is ${outputs[file] === undefined ? 'missing' : 'changed'}`
  }
  if (!Object.keys(stamp.outputs ?? {}).length) return 'the stamp lists no outputs'
  return null
}
