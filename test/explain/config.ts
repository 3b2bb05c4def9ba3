import path from 'node:path'
import os from 'node:os'
import type { ValidatedConfig } from '../../src/config/model.js'
import { validateConfig } from '../../src/config/validate.js'
import { commandJobType } from '../../src/job-types/command/definition.js'
import { buildJobTypeRegistry } from '../../src/run/job-type-registry.js'
import type { Explanation, Step } from '../../src/explain/step.js'

const registry = buildJobTypeRegistry([{ plugin: 'circadian', result: [commandJobType] }])

/** A validated config of command jobs (nothing runs: the schedule part of explain needs no store). */
export function configOf(jobs: Record<string, object>, timezone = 'Europe/Berlin'): ValidatedConfig {
  const withType = Object.fromEntries(
    Object.entries(jobs).map(([k, v]) => [k, { type: 'command', command: 'true', ...v }]),
  )
  return validateConfig({ timezone, jobs: withType }, { file: path.join(os.tmpdir(), 'circadian.config.ts'), registry })
}

export const stepOf = (e: Explanation | { steps: Step[] }, name: string): Step | undefined =>
  e.steps.find((s) => s.step === name)
export const stepsOf = (e: Explanation | { steps: Step[] }, name: string): Step[] =>
  e.steps.filter((s) => s.step === name)
