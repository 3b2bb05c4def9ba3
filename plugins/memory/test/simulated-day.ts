import { copyFileSync } from 'node:fs'
import path from 'node:path'
import { parseDuration, type RunResult } from 'circadian'
import { cronTrigger } from '../../../src/schedule/trigger.js'
import { addMemory } from '../src/memories/add.js'
import { toNewMemory } from '../src/memories/record.js'
import { recall } from '../src/queries/recall.js'
import type { Harness } from './harness.js'
import { TEMPLATE_DIR, type TemplateConfig, typeOptions } from './template.js'

export interface Fire {
  at: number
  job: string
  order: number
}

/** Every fire of every template job in [from, to), from the core's own schedule code, in time then config order. */
export function fires(config: TemplateConfig, from: number, to: number): Fire[] {
  const out: Fire[] = []
  Object.entries(config.jobs).forEach(([job, def], order) => {
    const trigger = cronTrigger(def.schedule, config.timezone)
    for (let t = trigger.next(from - 1); t !== null && t < to; t = trigger.next(t)) out.push({ at: t, job, order })
  })
  return out.sort((a, b) => a.at - b.at || a.order - b.order)
}

const THEMES = [
  {
    tag: 'atlas',
    lines: [
      'Atlas launch checklist reviewed',
      'Atlas release notes drafted',
      'Atlas dashboard bug fixed',
      'Atlas demo for the board',
    ],
  },
  {
    tag: 'garden',
    lines: [
      'Watered the tomato seedlings',
      'Planned the garden beds',
      'Bought compost for the garden',
      'Harvested garden basil',
    ],
  },
  {
    tag: 'family',
    lines: [
      'Mia practised the guitar',
      'Dinner with the family',
      'Called grandma about the weekend',
      'Mia school play rehearsal',
    ],
  },
  {
    tag: 'running',
    lines: [
      'Morning run along the river',
      'Running shoes are worn out',
      'Interval running session',
      'Signed up for the river run',
    ],
  },
]

export interface DayEvent {
  at: number
  act(h: Harness): Promise<void>
}

/**
 * A person's day: from 06:10 local, every 20 minutes until 21:50, two new memories (importance cycling
 * 0.3-0.9); every hour, a recall of one theme (an access for what it finds).
 */
export function dayOfMemories(dayStart: number): DayEvent[] {
  const events: DayEvent[] = []
  let n = 0
  for (let t = dayStart + 10 * 60_000; t < dayStart + 16 * 3_600_000; t += 20 * 60_000) {
    const at = t
    const batch = [0, 1].map(() => {
      const theme = THEMES[n % THEMES.length]
      const importance = [0.3, 0.5, 0.7, 0.9, 0.4, 0.8][n % 6]
      const content = `${theme.lines[Math.floor(n / THEMES.length) % theme.lines.length]} (#${n})`
      n++
      return toNewMemory({ content, importance, tags: [theme.tag] }, at, 'day')
    })
    events.push({ at, act: async (h) => void (await Promise.all(batch.map((m) => addMemory(h.db, m, at)))) })
  }
  for (let t = dayStart + 3_600_000 + 30 * 60_000, i = 0; t < dayStart + 16 * 3_600_000; t += 3_600_000, i++) {
    const at = t
    const theme = THEMES[i % THEMES.length].tag
    events.push({ at, act: async (h) => void (await recall(h.db, theme, 5, at, false)) })
  }
  return events.sort((a, b) => a.at - b.at)
}

export interface DayLog {
  results: Array<{ job: string; at: number; result: RunResult }>
}

/** Runs the day: events and stage fires in time order, each stage with the fake clock at its fire instant. */
export async function simulateDay(h: Harness, config: TemplateConfig, from: number, to: number): Promise<DayLog> {
  copyFileSync(path.join(TEMPLATE_DIR, 'memories.sample.jsonl'), path.join(h.configDir, 'memories.sample.jsonl'))
  const events = dayOfMemories(from)
  const log: DayLog = { results: [] }
  let e = 0
  for (const fire of fires(config, from, to)) {
    while (e < events.length && events[e].at <= fire.at) {
      h.clock.set(events[e].at)
      await events[e++].act(h)
    }
    const job = config.jobs[fire.job]
    const result = await h.run(typeOptions(job), {
      at: fire.at,
      job: fire.job,
      signal: AbortSignal.timeout(parseDuration(job.timeout)!),
    })
    log.results.push({ job: fire.job, at: fire.at, result })
  }
  return log
}
