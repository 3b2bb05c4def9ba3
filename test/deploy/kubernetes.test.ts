import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Service } from 'kubernetes-models/v1/Service'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Secret } from 'kubernetes-models/v1/Secret'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { ISecret } from 'kubernetes-models/v1/Secret'
import type { IService } from 'kubernetes-models/v1/Service'
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox } from '../helpers/cli.js'
import {
  dockerfileStages,
  envOf,
  envReadBy,
  kubernetesObject,
  kubernetesObjects,
  last,
  loadYaml,
  read,
  shutdownGraceMs,
} from './manifests.js'

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment,
  Service,
  ConfigMap,
  Secret,
  PodDisruptionBudget,
}

const deployment = kubernetesObject<IDeployment>('Deployment')
const pod = deployment.spec!.template.spec!
const container = pod.containers[0]
const configMap = kubernetesObject<IConfigMap>('ConfigMap')
const secret = kubernetesObject<ISecret>('Secret')
const service = kubernetesObject<IService>('Service')
const pdb = kubernetesObject<IPodDisruptionBudget>('PodDisruptionBudget')
const runtime = dockerfileStages().at(-1)!
const configFile = envOf(runtime).CIRCADIAN_CONFIG
const configText = configMap.data![path.basename(configFile)]
const httpPort = container.ports!.find((p) => p.name === 'http')!.containerPort

/** The container's environment as Kubernetes would give it: fieldRefs filled in, $(VAR) expanded, envFrom added. */
function containerEnv(namespace = 'jobs', podName = 'circadian-7d9f-abcde'): Record<string, string> {
  const env: Record<string, string> = {}
  for (const from of container.envFrom ?? []) {
    expect(from.secretRef?.name).toBe(secret.metadata!.name)
    Object.assign(env, secret.stringData)
  }
  for (const e of container.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath
    env[e.name] =
      field === 'metadata.name'
        ? podName
        : field === 'metadata.namespace'
          ? namespace
          : (e.value ?? '').replace(/\$\(([A-Z_]+)\)/g, (_, n: string) => env[n] ?? `$(${n})`)
  }
  return env
}

describe('Kubernetes manifests', () => {
  it('are valid objects for their kind (kubernetes-models schemas)', () => {
    const objects = kubernetesObjects()
    expect(objects.map((o) => o.object.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'PodDisruptionBudget',
      'Secret',
      'Service',
    ])
    for (const { file, object } of objects) {
      const Model = MODELS[object.kind]
      expect(() => new Model(object as never).validate(), `${file}: ${object.kind}`).not.toThrow()
    }
    const kustomization = loadYaml('deploy/kubernetes/kustomization.yaml') as { resources: string[] }
    expect(kustomization.resources.sort()).toEqual([...new Set(objects.map((o) => o.file))].sort())
  })

  it("run two replicas of the image's `circadian serve`, the PodDisruptionBudget keeping one", () => {
    expect(deployment.spec!.replicas).toBe(2)
    expect(container.args?.[0]).toBe('serve')
    expect(container.command).toBeUndefined()
    expect(pdb.spec!.minAvailable).toBe(1)
    expect(pdb.spec!.selector!.matchLabels).toEqual(deployment.spec!.selector.matchLabels)
    expect(service.spec!.selector).toEqual(deployment.spec!.selector.matchLabels)
    for (const [k, v] of Object.entries(deployment.spec!.selector.matchLabels!))
      expect(deployment.spec!.template.metadata!.labels![k]).toBe(v)
  })

  it('probe /health/live and /health/ready on the port the config listens on; Prometheus scrapes /metrics there', () => {
    const routes = read('src/serve/http/health-routes.ts')
    const probes = {
      startup: container.startupProbe!,
      liveness: container.livenessProbe!,
      readiness: container.readinessProbe!,
    }
    expect(probes.liveness.httpGet!.path).toBe('/health/live')
    expect(probes.startup.httpGet!.path).toBe('/health/live')
    expect(probes.readiness.httpGet!.path).toBe('/health/ready')
    for (const probe of Object.values(probes)) {
      expect(routes).toContain(`app.get('${probe.httpGet!.path}'`)
      expect(probe.httpGet!.port).toBe('http')
    }
    expect(configText).toMatch(new RegExp(`port: ${httpPort},`))
    expect(configText).toContain("host: '0.0.0.0'")
    const annotations = deployment.spec!.template.metadata!.annotations!
    expect(annotations['prometheus.io/scrape']).toBe('true')
    expect(Number(annotations['prometheus.io/port'])).toBe(httpPort)
    expect(annotations['prometheus.io/path']).toBe('/metrics')
    expect(routes).toContain("app.get('/metrics'")
    expect(service.spec!.ports![0].targetPort).toBe('http')
  })

  it('give running jobs longer than serve.shutdownGrace to stop', () => {
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(shutdownGraceMs(configText))
  })

  it('run non-root on a read-only root filesystem, caches on an emptyDir', () => {
    const uid = Number(last(runtime, 'USER')!.args.split(':')[0])
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid })
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    })
    expect(container.resources!.requests).toHaveProperty('memory')
    expect(container.resources!.requests).toHaveProperty('cpu')
    expect(container.resources!.limits).toHaveProperty('memory')
    const mounts = Object.fromEntries(container.volumeMounts!.map((m) => [m.mountPath, m]))
    const emptyDirs = pod.volumes!.filter((v) => v.emptyDir).map((v) => v.name)
    const cache = containerEnv().XDG_CACHE_HOME
    const writable = Object.values(mounts).filter(
      (m) => emptyDirs.includes(m.name) && cache.startsWith(`${m.mountPath}/`),
    )
    expect(writable).toHaveLength(1)
    // The config comes from the ConfigMap, mounted where the image looks for it.
    const configMount = mounts[path.dirname(configFile)]
    expect(configMount.readOnly).toBe(true)
    expect(pod.volumes!.find((v) => v.name === configMount.name)!.configMap!.name).toBe(configMap.metadata!.name)
  })

  it('provide every variable the config reads from the Secret or the pod spec', () => {
    const env = containerEnv()
    for (const name of [...envReadBy(configText), 'CIRCADIAN_STATE_URL']) expect(env[name], name).toBeTruthy()
    expect(Object.keys(secret.stringData!).sort()).toEqual(['CIRCADIAN_STATE_URL', 'CIRCADIAN_TOKEN'])
    expect(env.CIRCADIAN_ALLOWED_HOSTS.split(',')).toEqual([
      'circadian',
      'circadian.jobs',
      'circadian.jobs.svc',
      'circadian.jobs.svc.cluster.local',
    ])
    expect(env.CIRCADIAN_ALLOWED_HOSTS).toContain(service.metadata!.name)
    expect(container.args).toEqual(['serve', '--instance-id', '$(POD_NAME)'])
  })

  describe("the ConfigMap's config", () => {
    let box: Sandbox
    beforeAll(() => {
      box = sandbox()
    })
    afterAll(() => box.cleanup())

    it("passes `circadian validate` with the pod's environment", async () => {
      const file = box.write('config/circadian.config.ts', configText)
      const env = { ...containerEnv(), CIRCADIAN_STATE_URL: path.join(box.dir, 'state.db') }
      const result = await box.run(['validate', '--json', '--config', file], { env })
      expect(result.stderr).toBe('')
      expect(JSON.parse(result.stdout)).toMatchObject({ valid: true })
    })

    it('loads and runs with the cache directory and HOME unwritable (a read-only root filesystem)', async () => {
      const file = box.write('ro/circadian.config.ts', configText.replace(/allowedHosts: [^\n]+\n/, ''))
      // A file where a directory should be: mkdir fails (ENOTDIR) even for root, as on a read-only mount.
      const blocker = box.write('not-a-dir', '')
      const env = {
        ...containerEnv(),
        CIRCADIAN_STATE_URL: path.join(box.dir, 'ro-state.db'),
        XDG_CACHE_HOME: path.join(blocker, 'cache'),
        HOME: path.join(blocker, 'home'),
      }
      const validated = await box.run(['validate', '--config', file], { env })
      expect(validated.stderr).toBe('')
      expect(validated.code).toBe(0)
      const ran = await box.run(['run', 'heartbeat', '--config', file, '--json'], { env })
      expect(ran.stderr).toBe('')
      expect(ran.code).toBe(0)
      expect(JSON.parse(ran.stdout).runs[0].status).toBe('succeeded')
    })

    it('writes its caches where XDG_CACHE_HOME points (the emptyDir)', async () => {
      const file = box.write('rw/circadian.config.ts', configText.replace(/allowedHosts: [^\n]+\n/, ''))
      const cache = path.join(box.dir, 'tmp', 'cache')
      mkdirSync(path.dirname(cache), { recursive: true })
      writeFileSync(path.join(box.dir, 'tmp', '.keep'), '')
      const env = { ...containerEnv(), CIRCADIAN_STATE_URL: path.join(box.dir, 'rw-state.db'), XDG_CACHE_HOME: cache }
      expect((await box.run(['validate', '--config', file], { env })).code).toBe(0)
      const { readdirSync } = await import('node:fs')
      const written = readdirSync(path.join(cache, 'circadian'), { recursive: true }).map(String)
      expect(written.some((f) => f.endsWith('.v8cache'))).toBe(true)
      expect(written.some((f) => f.startsWith('configs/') && f.endsWith('.json'))).toBe(true)
    })
  })
})
