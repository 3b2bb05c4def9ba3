import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox } from '../../../test/helpers/cli.js'

interface RunJson {
  runs: Array<{ job: string; status: string; summary: string; data: Record<string, unknown> }>
}

describe('circadian init --template memory', () => {
  let box: Sandbox
  beforeEach(() => {
    box = sandbox()
  })
  afterEach(() => box.cleanup())

  it('writes a commented config in the user zone and a sample; `run --all` shows every stage working at once', async () => {
    const init = await box.run(['init', '--template', 'memory'], { env: { TZ: 'Europe/Berlin' } })
    expect(init.code).toBe(0)
    expect(init.stdout).toContain('wrote circadian.config.ts')
    expect(init.stdout).toContain('wrote memories.sample.jsonl')
    const config = readFileSync(path.join(box.dir, 'circadian.config.ts'), 'utf8')
    expect(config).toContain("timezone: 'Europe/Berlin'")
    expect(config).not.toContain('{{')

    const validate = await box.run(['validate'])
    expect(validate.stdout).toContain('is valid: 8 jobs (memory-cycle ×8)')
    expect(validate.code).toBe(0)

    const list = await box.run(['list', '--json'])
    const schedules = Object.fromEntries(
      (JSON.parse(list.stdout) as { jobs: Array<{ job: string; schedule: string; timezone: string }> }).jobs.map(
        (j) => [j.job, [j.schedule, j.timezone]],
      ),
    )
    expect(schedules).toEqual({
      memory_working: ['*/5 * 6-21 * * *', 'Europe/Berlin'],
      memory_short_term: ['*/5 * * * *', 'Europe/Berlin'],
      memory_consolidation: ['0 * * * *', 'Europe/Berlin'],
      memory_deep_consolidation: ['*/15 2-3 * * *', 'Europe/Berlin'],
      memory_rem: ['0 22,1,4 * * *', 'Europe/Berlin'],
      memory_rem_half_past: ['30 23,2,5 * * *', 'Europe/Berlin'],
      memory_homeostasis: ['0 3 * * 0', 'Europe/Berlin'],
      memory_health: ['*/15 * * * *', 'Europe/Berlin'],
    })

    const run = await box.run(['run', '--all', '--json'])
    expect(run.stderr).not.toContain('plugin-memory')
    expect(run.code).toBe(0)
    const runs = Object.fromEntries((JSON.parse(run.stdout) as RunJson).runs.map((r) => [r.job, r]))
    expect(Object.values(runs).map((r) => r.status)).toEqual(Array(8).fill('succeeded'))
    const data = (job: string) => runs[job].data as Record<string, number>
    // Whichever stage ran first loaded the 28 sample memories; each stage finds its own work in them.
    expect(
      Object.values(runs).filter((r) => r.summary.startsWith('loaded 28 sample memories from memories.sample.jsonl')),
    ).toHaveLength(1)
    expect(data('memory_working')).toMatchObject({ eligible: 8, inContext: 7 })
    expect(data('memory_short_term')).toMatchObject({ candidates: 14, admitted: 9, decayed: 5 })
    // Both consolidations replay the six sample memories already in short-term memory (and what short-term
    // admitted, if it ran first); the two strong ones (0.85, 0.65) reach long-term memory.
    expect(data('memory_consolidation').replayed).toBeGreaterThanOrEqual(3)
    expect(data('memory_deep_consolidation').replayed).toBeGreaterThanOrEqual(3)
    expect(
      data('memory_consolidation').transferred + data('memory_deep_consolidation').transferred,
    ).toBeGreaterThanOrEqual(2)
    expect(data('memory_rem').links).toBeGreaterThan(5)
    expect(data('memory_homeostasis').memories).toBeGreaterThanOrEqual(8)
    expect(data('memory_homeostasis').pruned).toBeGreaterThanOrEqual(1)
    expect(runs.memory_health.summary).toMatch(/^healthy: 6 stages on time; 28 memories/)

    const stats = await box.run(['memory', 'stats', '--json'])
    expect(stats.code).toBe(0)
    const s = JSON.parse(stats.stdout) as {
      stores: Record<string, { count: number }>
      lastSucceeded: Record<string, string | null>
    }
    expect(s.stores.raw.count).toBe(28)
    expect(s.stores.working.count).toBe(7)
    expect(s.stores.longTerm.count).toBeGreaterThan(8)
    expect(Object.values(s.lastSucceeded).every((at) => at !== null)).toBe(true)

    // A second `run --all` is a new occurrence of each stage: the sample is not loaded again.
    const again = await box.run(['run', '--all', '--json'])
    expect(again.code).toBe(0)
    expect((JSON.parse(again.stdout) as RunJson).runs.some((r) => r.summary.startsWith('loaded'))).toBe(false)
    expect(JSON.parse((await box.run(['memory', 'stats', '--json'])).stdout).stores.raw.count).toBe(28)
  })

  it('refuses to overwrite an existing config', async () => {
    box.write('circadian.config.ts', 'export default {}\n')
    const init = await box.run(['init', '--template', 'memory'])
    expect(init.code).toBe(2)
    expect(init.stderr).toContain('already exist')
    expect(readFileSync(path.join(box.dir, 'circadian.config.ts'), 'utf8')).toBe('export default {}\n')
  })
})
