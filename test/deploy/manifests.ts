import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { parseDuration } from '../../src/schedule/duration.js'
import { ROOT } from '../helpers/cli.js'

/** Readers for the deployment files, so each test checks what the files say rather than a copy of it. */
export const DEPLOY = path.join(ROOT, 'deploy')
export const read = (...parts: string[]): string => readFileSync(path.join(ROOT, ...parts), 'utf8')

export interface Instruction {
  keyword: string
  args: string
  line: number
}

export interface Stage {
  from: string
  name?: string
  instructions: Instruction[]
}

/** The Dockerfile's stages: continuation lines joined, comments and parser directives dropped. */
export function dockerfileStages(text = read('Dockerfile')): Stage[] {
  const stages: Stage[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const start = i
    let logical = lines[i]
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) {
      i++
      if (/^\s*#/.test(lines[i])) continue
      logical = logical.replace(/\\\s*$/, ' ') + lines[i]
    }
    const trimmed = logical.trim()
    if (!trimmed || trimmed.startsWith('#')) continue
    const [, keyword, args] = /^(\S+)\s*(.*)$/s.exec(trimmed)!
    const instruction = { keyword: keyword.toUpperCase(), args: args.trim(), line: start + 1 }
    if (instruction.keyword === 'FROM') {
      const [from, , name] = instruction.args.split(/\s+/)
      stages.push({ from, name, instructions: [] })
    } else {
      stages.at(-1)?.instructions.push(instruction)
    }
  }
  return stages
}

export const all = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((i) => i.keyword === keyword)
export const last = (stage: Stage, keyword: string): Instruction | undefined => all(stage, keyword).at(-1)

/** An exec-form (JSON array) argument list. */
export function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`not an exec-form array: ${args}`)
  return parsed
}

/** ENV lines of a stage as a map (the `KEY=value KEY2=value2` form). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const i of all(stage, 'ENV'))
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '')
  return env
}

/** The command a HEALTHCHECK runs, with its options. */
export function healthcheck(stage: Stage): { options: Record<string, string>; command: string[] } {
  const h = last(stage, 'HEALTHCHECK')
  if (!h) throw new Error('no HEALTHCHECK')
  const options: Record<string, string> = {}
  let rest = h.args
  for (let m = /^--([a-z-]+)=(\S+)\s+/.exec(rest); m; m = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
    options[m[1]] = m[2]
    rest = rest.slice(m[0].length)
  }
  return { options, command: execForm(rest.replace(/^CMD\s+/, '')) }
}

export type K8sObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; annotations?: Record<string, string> }
  [key: string]: unknown
}

/** Every object in deploy/kubernetes/*.yaml except the kustomization, with the file it came from. */
export function kubernetesObjects(): Array<{ file: string; object: K8sObject }> {
  const dir = path.join(DEPLOY, 'kubernetes')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) =>
      yaml
        .loadAll(readFileSync(path.join(dir, file), 'utf8'))
        .filter(Boolean)
        .map((object) => ({ file, object: object as K8sObject })),
    )
}

export function kubernetesObject<T = K8sObject>(kind: string): T {
  const found = kubernetesObjects().filter((o) => o.object.kind === kind)
  if (found.length !== 1) throw new Error(`expected one ${kind} in deploy/kubernetes, found ${found.length}`)
  return found[0].object as T
}

export const loadYaml = (...parts: string[]): Record<string, unknown> =>
  yaml.load(read(...parts)) as Record<string, unknown>

/** KEY=value lines of an env file (docker's env_file / systemd's EnvironmentFile syntax: no quotes used). */
export function envFile(...parts: string[]): Record<string, string> {
  return Object.fromEntries(
    read(...parts)
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]),
  )
}

/** serve.shutdownGrace as a config file writes it (the default, 30s, when it does not). */
export function shutdownGraceMs(configText: string): number {
  const m = /shutdownGrace:\s*'([^']+)'/.exec(configText)
  const ms = parseDuration(m ? m[1] : '30s')
  if (ms === null) throw new Error(`shutdownGrace ${m?.[1]} is not a duration`)
  return ms
}

/** The names a config reads with env(). */
export const envReadBy = (configText: string): string[] =>
  [...configText.matchAll(/env\('([A-Z0-9_]+)'/g)].map((m) => m[1])
