import { createRequire, isBuiltin } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Plugin } from 'esbuild'
import { lazyRequire } from '../lazy-require.js'
import { ConfigLoadError } from './errors.js'
import { readTranspiled, writeTranspiled } from './transpile-cache.js'

/** Where the running CLI puts its public API: what `circadian` means inside a config file. */
export const API_GLOBAL = 'circadian.api'

let loadCounter = 0

/**
 * Resolves imports the way the config's author expects: `circadian` is this CLI, packages come from the
 * node_modules around the config file, local files are bundled in.
 */
function resolvePlugin(configFile: string): Plugin {
  return {
    name: 'circadian-config-resolve',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const spec = args.path
        const required = args.kind === 'require-call'
        if (path.isAbsolute(spec)) return undefined
        if (spec === 'circadian' || spec === 'circadian/')
          return { path: required ? 'require' : 'import', namespace: 'circadian-api' }
        if (spec.startsWith('node:') || isBuiltin(spec)) return { path: spec, external: true }
        try {
          const resolved = createRequire(args.importer || configFile).resolve(spec)
          return { path: required ? resolved : pathToFileURL(resolved).href, external: true }
        } catch {
          return { errors: [{ text: `cannot find package "${spec}" (install it next to the config file)` }] }
        }
      })
      // `circadian` becomes a tiny module bound to the API object the CLI already loaded.
      build.onLoad({ filter: /.*/, namespace: 'circadian-api' }, (args) => {
        const api = `globalThis[Symbol.for(${JSON.stringify(API_GLOBAL)})]`
        if (args.path === 'require') return { contents: `module.exports = ${api}`, loader: 'js' }
        return {
          contents: `const api = ${api}\nexport const { ${apiNames().join(', ')} } = api\nexport default api`,
          loader: 'js',
        }
      })
    },
  }
}

/**
 * Imports a .ts/.mts/.cts/.js/.mjs/.cjs config file. esbuild bundles it with its local imports (and strips
 * TypeScript); the result is imported from a data: URL, so nothing is written beside the config.
 */
async function sharedApi(): Promise<Record<string, unknown>> {
  const g = globalThis as unknown as Record<symbol, Record<string, unknown> | undefined>
  g[Symbol.for(API_GLOBAL)] ??= (await import('../api.js')) as Record<string, unknown>
  return g[Symbol.for(API_GLOBAL)]!
}

let names: string[] = []
const apiNames = (): string[] => names

/** Imports a config module; also returns the files it was built from (the config and its local imports). */
export async function importConfigModule(file: string): Promise<{ value: unknown; inputs: string[] }> {
  names = Object.keys(await sharedApi()).filter((n) => n !== 'default')
  const { code, inputs } = readTranspiled(file) ?? (await transpile(file))
  // A unique suffix: the module map caches by URL, and a reloaded config must run (and read env) again.
  const url = `data:text/javascript;base64,${Buffer.from(`${code}\n//# load=${++loadCounter}`).toString('base64')}`
  let mod: Record<string, unknown>
  try {
    mod = (await import(url)) as Record<string, unknown>
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw new ConfigLoadError(`Cannot load config ${file}: it threw while loading: ${message}`, file)
  }
  // A CommonJS config's module.exports arrives as the default export; an ES module must have one.
  if (!('default' in mod)) {
    const found = Object.keys(mod)
    throw new ConfigLoadError(
      `Config file ${file} has no default export (found: ${found.length ? found.join(', ') : 'no exports'}); write \`export default defineConfig({ ... })\``,
      file,
    )
  }
  return { value: mod.default, inputs }
}

/** Bundles the config with its local imports into one ES module (and caches the result). */
async function transpile(file: string): Promise<{ code: string; inputs: string[] }> {
  const esbuild = lazyRequire('esbuild') as typeof import('esbuild')
  const fileUrl = pathToFileURL(file).href
  let code: string
  let inputs: string[]
  try {
    const result = await esbuild.build({
      metafile: true,
      entryPoints: [file],
      absWorkingDir: path.dirname(file),
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      plugins: [resolvePlugin(file)],
      define: {
        'import.meta.url': JSON.stringify(fileUrl),
        'import.meta.dirname': JSON.stringify(path.dirname(file)),
        'import.meta.filename': JSON.stringify(file),
        __dirname: JSON.stringify(path.dirname(file)),
        __filename: JSON.stringify(file),
      },
      banner: {
        js: `import { createRequire as __circadianCreateRequire } from 'node:module'; const require = __circadianCreateRequire(${JSON.stringify(fileUrl)});`,
      },
    })
    code = result.outputFiles[0].text
    inputs = Object.keys(result.metafile.inputs)
      .filter((i) => !i.includes(':'))
      .map((i) => path.resolve(path.dirname(file), i))
    writeTranspiled(file, inputs, code)
  } catch (err) {
    const errors = (
      err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }
    ).errors
    if (!errors) throw err
    const lines = errors.map((e) =>
      e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text,
    )
    throw new ConfigLoadError(`Cannot load config ${file}:\n  ${lines.join('\n  ')}`, file)
  }
  return { code, inputs }
}

/** A config may export an object, a function returning one, or a promise of either. */
export async function resolveExport(exported: unknown, file: string): Promise<unknown> {
  try {
    let value = await exported
    if (typeof value === 'function') value = await (value as () => unknown)()
    return value
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw new ConfigLoadError(`Cannot load config ${file}: its exported function threw: ${message}`, file)
  }
}
