import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export const TEMPLATE_DIR = fileURLToPath(new URL('../templates/memory/', import.meta.url))

export interface TemplateJob {
  type: string
  schedule: string
  timeout: string
  retry: { attempts: number; backoff: string; delay: string; maxDelay: string; jitter: boolean }
  [option: string]: unknown
}

export interface TemplateConfig {
  timezone: string
  connections: Record<string, { client: string; filename?: string }>
  jobs: Record<string, TemplateJob>
}

/**
 * The template's config as `circadian init` writes it for `timezone`, evaluated (TypeScript stripped by
 * esbuild; `defineConfig` returns its argument, as circadian's does).
 */
export async function templateConfig(timezone: string): Promise<TemplateConfig> {
  const source = readFileSync(`${TEMPLATE_DIR}circadian.config.ts`, 'utf8').replaceAll('{{timezone}}', timezone)
  const out = await build({
    stdin: { contents: source, loader: 'ts', resolveDir: TEMPLATE_DIR },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    plugins: [
      {
        name: 'circadian-api',
        setup(b) {
          b.onResolve({ filter: /^circadian$/ }, () => ({ path: 'circadian', namespace: 'api' }))
          b.onLoad({ filter: /.*/, namespace: 'api' }, () => ({
            contents: 'export const defineConfig = (c) => c',
            loader: 'js',
          }))
        },
      },
    ],
  })
  const module = { exports: {} as { default?: TemplateConfig } }
  new Function('module', 'exports', out.outputFiles[0].text)(module, module.exports)
  return module.exports.default!
}

/** The keys of a template job that belong to the memory-cycle type (not the core's). */
export function typeOptions(job: TemplateJob): Record<string, unknown> {
  const { type: _type, schedule: _schedule, timeout: _timeout, retry: _retry, ...options } = job
  return options
}
