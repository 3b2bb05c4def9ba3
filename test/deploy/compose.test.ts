import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, ROOT, type Sandbox, sandbox } from '../helpers/cli.js'
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js'
import { waitFor } from '../helpers/servers.js'
import {
  DEPLOY,
  dockerfileStages,
  envFile,
  envOf,
  envReadBy,
  execForm,
  healthcheck,
  last,
  loadYaml,
  read,
  shutdownGraceMs,
} from './manifests.js'

interface ComposeService {
  build?: { context: string }
  image: string
  command?: string[]
  env_file?: string | string[]
  volumes?: string[]
  ports?: string[]
  depends_on?: Record<string, { condition: string }>
  stop_grace_period?: string
  healthcheck?: { test: string[] }
}
const compose = loadYaml('deploy/compose/compose.yaml') as {
  services: Record<string, ComposeService>
  volumes: Record<string, unknown>
}
const COMPOSE_DIR = path.join(DEPLOY, 'compose')
const replicas = Object.entries(compose.services).filter(([, s]) => s.image === 'circadian:local')
const runtime = dockerfileStages().at(-1)!
const imageEnv = envOf(runtime)
const configMount = (s: ComposeService) =>
  s.volumes!.map((v) => v.split(':')).find(([, target]) => target === imageEnv.CIRCADIAN_CONFIG)!
const configText = readFileSync(path.join(COMPOSE_DIR, configMount(replicas[0][1])[0]), 'utf8')
const envFiles = (s: ComposeService) => [s.env_file ?? []].flat()

describe('Compose file', () => {
  it('has PostgreSQL and two circadian replicas built from the repository, started once it is healthy', () => {
    expect(replicas.map(([name]) => name)).toEqual(['circadian-1', 'circadian-2'])
    const postgres = compose.services.postgres
    expect(postgres.image).toMatch(/^postgres:\d+/)
    expect(postgres.healthcheck!.test.join(' ')).toContain('pg_isready')
    const [volume] = postgres.volumes![0].split(':')
    expect(Object.keys(compose.volumes)).toEqual([volume])
    for (const [, s] of replicas) {
      expect(path.resolve(COMPOSE_DIR, s.build!.context)).toBe(ROOT.replace(/\/$/, ''))
      expect(s.depends_on).toEqual({ postgres: { condition: 'service_healthy' } })
      for (const f of [...envFiles(s), ...envFiles(postgres)])
        expect(existsSync(path.join(COMPOSE_DIR, f)), f).toBe(true)
      expect(configMount(s)[2]).toBe('ro')
    }
    const instanceIds = replicas.map(([, s]) => s.command![s.command!.indexOf('--instance-id') + 1])
    expect(new Set(instanceIds).size).toBe(2)
  })

  it('keeps the database password the same in both env files and the token long enough', () => {
    const circadian = envFile('deploy/compose/circadian.env')
    const postgres = envFile('deploy/compose/postgres.env')
    const url = new URL(circadian.CIRCADIAN_STATE_URL)
    expect(url.hostname).toBe('postgres')
    expect(decodeURIComponent(url.username)).toBe(postgres.POSTGRES_USER)
    expect(decodeURIComponent(url.password)).toBe(postgres.POSTGRES_PASSWORD)
    expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`)
    expect(circadian.CIRCADIAN_TOKEN.length).toBeGreaterThanOrEqual(16)
    for (const name of envReadBy(configText))
      expect(name in circadian || /default:/.test(configText.split(`env('${name}'`)[1].split(')')[0]), name).toBe(true)
  })

  it('gives running jobs longer than serve.shutdownGrace to stop', () => {
    for (const [, s] of replicas)
      expect(Number.parseInt(s.stop_grace_period!, 10) * 1000).toBeGreaterThan(shutdownGraceMs(configText))
  })

  it('publishes the dashboard of one replica, on the loopback only', () => {
    expect(replicas.map(([, s]) => s.ports ?? [])).toEqual([
      [`127.0.0.1:${last(runtime, 'EXPOSE')!.args}:${last(runtime, 'EXPOSE')!.args}`],
      [],
    ])
  })
})

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

/** A compose healthcheck test (["CMD", ...]) as the container runs it: `$$` is Compose's escaped `$`. */
const composeCheck = (s: ComposeService) => s.healthcheck!.test.slice(1).map((a) => a.replaceAll('$$', '$'))

function runCheck(command: string[], env: NodeJS.ProcessEnv): number | null {
  const [bin, ...args] = command
  return spawnSync(bin === 'node' ? process.execPath : bin, args, { env, timeout: 10_000 }).status
}

// The image's entrypoint and environment with Compose's command and env file, outside a container: two
// serve processes on a fresh PostgreSQL database, as `docker compose up` starts them.
describe("the image's command and environment, as Compose runs it", () => {
  let box: Sandbox
  let db: TestDatabase
  const procs: Array<{
    name: string
    child: ChildProcess
    env: NodeJS.ProcessEnv
    out: string[]
    exit: Promise<{ code: number | null; signal: string | null; at: number }>
  }> = []

  beforeAll(async () => {
    box = sandbox()
    db = await createTestDatabase('pg')
    const fromFile = envFile('deploy/compose/circadian.env')
    // The test database, with the env file's password (the server trusts local connections, so it is only
    // carried along: it must never show up in a log).
    const testUrl = new URL(db.url)
    testUrl.password = new URL(fromFile.CIRCADIAN_STATE_URL).password
    const [source, target] = configMount(replicas[0][1])
    const config = box.write(target.slice(1), readFileSync(path.join(COMPOSE_DIR, source), 'utf8'))
    const entrypoint = execForm(last(runtime, 'ENTRYPOINT')!.args)
    expect(entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '--'])
    for (const [name, service] of replicas) {
      const argv = [...entrypoint.slice(2), ...service.command!]
      expect(argv[0]).toBe('circadian')
      const env: NodeJS.ProcessEnv = {
        ...box.env,
        ...imageEnv,
        HOME: box.home,
        ...fromFile,
        CIRCADIAN_CONFIG: config,
        CIRCADIAN_STATE_URL: testUrl.toString(),
        // Each container has its own 8080; on one host each process needs its own port.
        CIRCADIAN_HTTP_PORT: String(await freePort()),
      }
      const child = spawn(process.execPath, [BIN, ...argv.slice(1)], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const out: string[] = []
      child.stdout!.on('data', (c) => out.push(String(c)))
      child.stderr!.on('data', (c) => out.push(String(c)))
      const exit = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
      )
      procs.push({ name, child, env, out, exit })
    }
  }, 60_000)

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
    await Promise.all(procs.map((p) => p.exit))
    await db?.drop()
    box?.cleanup()
  })

  it("both replicas answer the image's and Compose's health checks, share the store, and stop on SIGTERM with exit 0 within the grace", async () => {
    const imageCheck = healthcheck(runtime).command
    for (const p of procs) {
      const healthy = () => {
        if (p.child.exitCode !== null) throw new Error(`${p.name} exited with ${p.child.exitCode}:\n${p.out.join('')}`)
        return runCheck(imageCheck, p.env) === 0
      }
      await waitFor(healthy, 30_000).catch((err: Error) => {
        throw new Error(`${p.name} never passed the image's HEALTHCHECK: ${err.message}\n${p.out.join('')}`)
      })
      expect(runCheck(composeCheck(compose.services[p.name]), p.env)).toBe(0)
    }
    const status = spawnSync(process.execPath, [BIN, 'status', '--json'], {
      cwd: ROOT,
      env: procs[0].env,
      encoding: 'utf8',
    })
    expect(status.status).toBe(0)
    expect(
      (JSON.parse(status.stdout) as { instances: Array<{ id: string }> }).instances.map((i) => i.id).sort(),
    ).toEqual(['circadian-1', 'circadian-2'])

    const graceMs = shutdownGraceMs(configText)
    const sent = Date.now()
    for (const p of procs) p.child.kill('SIGTERM')
    for (const p of procs) {
      const { code, signal, at } = await p.exit
      expect({ name: p.name, code, signal }).toEqual({ name: p.name, code: 0, signal: null })
      expect(at - sent).toBeLessThan(graceMs)
      const log = p.out.join('')
      expect(log).toContain('"msg":"stopped"')
      expect(log).not.toContain(new URL(envFile('deploy/compose/circadian.env').CIRCADIAN_STATE_URL).password)
      expect(log).not.toContain(envFile('deploy/compose/circadian.env').CIRCADIAN_TOKEN)
    }
    expect(read('deploy/compose/compose.yaml')).toContain('stop_grace_period')
  }, 90_000)
})
