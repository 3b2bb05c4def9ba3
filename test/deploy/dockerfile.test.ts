import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { validate } from 'dockerfile-utils'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.js'
import { all, dockerfileStages, envOf, execForm, healthcheck, last, loadYaml, read } from './manifests.js'

const stages = dockerfileStages()
const [build, runtime] = [stages[0], stages.at(-1)!]
const healthRoutes = read('src/serve/http/health-routes.ts')

describe('Dockerfile', () => {
  it("passes dockerfile-utils' lint with no diagnostics", () => {
    const problems = validate(read('Dockerfile')).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)
    expect(problems).toEqual([])
  })

  it("builds in one stage with the project's build and ships a slim Node 20 stage", () => {
    expect(stages).toHaveLength(2)
    for (const stage of stages) expect(stage.from).toMatch(/^node:20-[a-z]+-slim$/)
    const buildRuns = all(build, 'RUN')
      .map((r) => r.args)
      .join('\n')
    expect(buildRuns).toMatch(/apt-get install[^\n]*python3 make g\+\+/)
    expect(buildRuns).toContain('npm ci ')
    expect(buildRuns).toContain('npm run build')
    expect(buildRuns).toContain('npm prune --omit=dev')
    // Only the final stage's files ship: everything comes from the build stage's /app.
    expect(all(runtime, 'COPY').map((c) => c.args)).toEqual([`--from=${build.name} /app /app`])
  })

  it('copies into the build only files that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
    const sources = all(build, 'COPY').flatMap((c) => c.args.split(/\s+/).slice(0, -1))
    expect(sources.length).toBeGreaterThan(5)
    for (const source of sources) {
      expect(existsSync(path.join(ROOT, source)), source).toBe(true)
      const top = source.replace(/\/$/, '')
      expect(
        ignored.filter((p) => p === top || p === `${top.split('/')[0]}`),
        source,
      ).toEqual([])
    }
    // What the build reads must not be ignored; what it makes must be.
    for (const made of ['**/node_modules', '**/dist', '**/oclif.manifest.json', '.git']) expect(ignored).toContain(made)
  })

  it('runs as a fixed non-root UID, in /app, with the config at /config and SQLite state on /data', () => {
    const user = last(runtime, 'USER')!.args
    expect(user).toMatch(/^\d+:\d+$/)
    const [uid, gid] = user.split(':')
    expect(Number(uid)).toBeGreaterThan(0)
    const runs = all(runtime, 'RUN')
      .map((r) => r.args)
      .join('\n')
    expect(runs).toContain(`--uid ${uid}`)
    expect(runs).toContain(`--gid ${gid}`)
    expect(last(runtime, 'WORKDIR')!.args).toBe('/app')
    expect(envOf(runtime).CIRCADIAN_CONFIG).toBe('/config/circadian.config.ts')
    expect(execForm(last(runtime, 'VOLUME')!.args)).toEqual(['/data'])
    expect(runs).toMatch(/chown circadian:circadian \/data/)
    expect(last(runtime, 'STOPSIGNAL')!.args).toBe('SIGTERM')
  })

  it('starts `circadian serve` under tini', () => {
    const entrypoint = execForm(last(runtime, 'ENTRYPOINT')!.args)
    expect(entrypoint).toEqual(['/usr/bin/tini', '--', 'circadian'])
    expect(execForm(last(runtime, 'CMD')!.args)).toEqual(['serve'])
    expect(
      all(runtime, 'RUN')
        .map((r) => r.args)
        .join('\n'),
    ).toContain('ln -s /app/bin/run.js /usr/local/bin/circadian')
    expect(readFileSync(path.join(ROOT, 'bin/run.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  it('health-checks a route serve has, on the port it EXPOSEs, the port Compose publishes', () => {
    const { command, options } = healthcheck(runtime)
    expect(command.slice(0, 2)).toEqual(['node', '-e'])
    const url = /fetch\(`([^`]+)`\)/.exec(command[2])![1]
    const route = new URL(url.replace(/\$\{[^}]+\}/, '8080')).pathname
    expect(route).toBe('/health/live')
    expect(healthRoutes).toContain(`app.get('${route}'`)
    expect(Object.keys(options).sort()).toEqual(['interval', 'retries', 'start-period', 'timeout'])
    const exposed = last(runtime, 'EXPOSE')!.args
    expect(url).toContain(`|| ${exposed}}`)
    const compose = loadYaml('deploy/compose/compose.yaml') as { services: Record<string, { ports?: string[] }> }
    const published = Object.values(compose.services).flatMap((s) => s.ports ?? [])
    expect(published).toEqual([`127.0.0.1:${exposed}:${exposed}`])
  })

  it('shows a derived image adding a plugin', () => {
    const stagesOf = dockerfileStages(read('deploy/docker/Dockerfile.plugins'))
    expect(validate(read('deploy/docker/Dockerfile.plugins'))).toEqual([])
    const runs = all(stagesOf[0], 'RUN').map((r) => r.args)
    expect(runs.some((r) => r.startsWith('circadian plugins install '))).toBe(true)
    // Installed as the image's user, into its data directory, so serve finds it at run time.
    expect(last(stagesOf[0], 'USER')?.args ?? last(runtime, 'USER')!.args).toBe(last(runtime, 'USER')!.args)
  })

  it('builds with docker when an engine answers', (ctx) => {
    const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' })
    if (info.status !== 0) {
      const reason = info.error
        ? `no docker client (${info.error.message})`
        : `no container engine answers: ${info.stderr.trim().split('\n')[0]}`
      console.warn(`deploy: docker build skipped: ${reason}`)
      ctx.skip()
      return
    }
    const built = spawnSync('docker', ['build', '-t', 'circadian:test', '.'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 1_200_000,
    })
    expect(built.stderr).not.toMatch(/ERROR/)
    expect(built.status).toBe(0)
  }, 1_300_000)
})
