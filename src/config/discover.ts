import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { applyDotenv } from './dotenv.js'
import { ConfigLoadError } from './errors.js'
import { importConfigModule, resolveExport } from './load-module.js'
import { loadJsonConfig, namingFile } from './text-loaders.js'

export const CONFIG_FILE_NAMES = [
  'circadian.config.ts',
  'circadian.config.mts',
  'circadian.config.cts',
  'circadian.config.js',
  'circadian.config.mjs',
  'circadian.config.cjs',
  'circadian.config.json',
  'circadian.config.yaml',
  'circadian.config.yml',
]

export interface LoadedConfigFile {
  file: string
  /** What the file exports, before validation. */
  raw: unknown
  /** Every file the config was built from (the file itself and, for JS/TS, its local imports). */
  sources: string[]
}

const sourcesByFile = new Map<string, string[]>()
const moduleLoader = async (file: string) => {
  // Before the module runs: its env() calls must see the .env file's values.
  applyDotenv(file)
  const { value, inputs } = await importConfigModule(file)
  sourcesByFile.set(file, inputs)
  return value
}

/**
 * Finds and loads the config. `explicit` (from --config or CIRCADIAN_CONFIG) wins; otherwise the search
 * goes from `cwd` up to the filesystem root and last to the user's config directory (~/.config/circadian/
 * config.*). In each directory the order is cosmiconfig's own: a "circadian" key in package.json first,
 * then circadian.config.* (a package.json without the key does not count).
 */
export async function loadConfigFile(cwd: string, explicit?: string): Promise<LoadedConfigFile> {
  const { cosmiconfig, defaultLoaders } = await import('cosmiconfig')
  const yaml = namingFile(defaultLoaders['.yaml'])
  const explorer = cosmiconfig('circadian', {
    // cosmiconfig's default order (and that of the tools built on it): package.json comes first.
    searchPlaces: ['package.json', ...CONFIG_FILE_NAMES],
    searchStrategy: 'global',
    stopDir: path.parse(path.resolve(cwd)).root,
    cache: false,
    loaders: {
      '.json': namingFile(loadJsonConfig),
      '.yaml': yaml,
      '.yml': yaml,
      '.ts': moduleLoader,
      '.mts': moduleLoader,
      '.cts': moduleLoader,
      '.js': moduleLoader,
      '.mjs': moduleLoader,
      '.cjs': moduleLoader,
    },
  })
  let result: { filepath: string; config: unknown; isEmpty?: boolean } | null
  try {
    if (explicit) {
      const file = path.resolve(cwd, explicit)
      if (!existsSync(file)) throw new ConfigLoadError(`Config file not found: ${file}`)
      if (statSync(file).isDirectory()) throw new ConfigLoadError(`--config must name a file, not a directory: ${file}`)
      result = await explorer.load(file)
    } else {
      result = await explorer.search(cwd)
    }
  } catch (err) {
    if (err instanceof ConfigLoadError) throw err
    const message = err instanceof Error ? err.message : String(err)
    throw new ConfigLoadError(`Cannot load config: ${message}`)
  }
  if (!result) {
    throw new ConfigLoadError(
      `No circadian config found in ${path.resolve(cwd)} or any parent directory (looked for ${CONFIG_FILE_NAMES.slice(0, 1).join(', ')} and the others, and a "circadian" key in package.json). Run \`circadian init\` to create one, or pass --config PATH.`,
    )
  }
  if (result.isEmpty) throw new ConfigLoadError(`Config file ${result.filepath} is empty`)
  return {
    file: result.filepath,
    raw: await resolveExport(result.config, result.filepath),
    sources: sourcesByFile.get(result.filepath) ?? [result.filepath],
  }
}
