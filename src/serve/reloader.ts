import { type FSWatcher, watch } from 'node:fs'
import path from 'node:path'
import type { JobDefinition } from '../config/model.js'

/**
 * Watches the config's source files. Directories are watched (not files), so editors that save by writing
 * a new file and renaming it are seen too. Changes are debounced.
 */
export class ConfigWatcher {
  private watchers: FSWatcher[] = []
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = 300,
  ) {}

  watch(files: string[]): void {
    this.close()
    const byDir = new Map<string, Set<string>>()
    for (const f of files) {
      const dir = path.dirname(f)
      byDir.set(dir, (byDir.get(dir) ?? new Set()).add(path.basename(f)))
    }
    for (const [dir, names] of byDir) {
      try {
        const w = watch(dir, (_event, name) => {
          if (name && !names.has(name.toString())) return
          clearTimeout(this.timer)
          this.timer = setTimeout(this.onChange, this.debounceMs)
        })
        w.on('error', () => {})
        this.watchers.push(w)
      } catch {
        // A directory that cannot be watched (removed, no permission) just isn't reloaded from.
      }
    }
  }

  close(): void {
    clearTimeout(this.timer)
    for (const w of this.watchers) w.close()
    this.watchers = []
  }
}

export interface JobDiff {
  added: JobDefinition[]
  removed: string[]
  changed: JobDefinition[]
}

function fingerprint(job: JobDefinition): string {
  return JSON.stringify({ type: job.type, core: job.core, options: job.options, timezone: job.timezone })
}

/** Which jobs a reload adds, removes and changes (anything in the job's definition, including its zone). */
export function diffJobs(before: Map<string, JobDefinition>, after: Map<string, JobDefinition>): JobDiff {
  const diff: JobDiff = { added: [], removed: [], changed: [] }
  for (const [name, job] of after) {
    const old = before.get(name)
    if (!old) diff.added.push(job)
    else if (fingerprint(old) !== fingerprint(job)) diff.changed.push(job)
  }
  for (const name of before.keys()) if (!after.has(name)) diff.removed.push(name)
  return diff
}
