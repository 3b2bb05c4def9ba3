const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/** A circadian job name for each SQL Sentinel alert name: kept when valid, else snake_cased; unique. */
export function jobNames(alertNames: string[]): string[] {
  const taken = new Set<string>()
  return alertNames.map((original) => {
    const base = JOB_NAME.test(original)
      ? original
      : original
          .toLowerCase()
          .replace(/[^a-z0-9_.-]+/g, '_')
          .replace(/^[^a-z0-9]+/, '')
          .replace(/_+$/, '') || 'alert'
    let name = base
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`
    taken.add(name)
    return name
  })
}

/**
 * A croniter schedule as a circadian one. croniter's optional sixth field is seconds at the end;
 * circadian puts seconds first.
 */
export function convertSchedule(schedule: string): string {
  const fields = schedule.trim().split(/\s+/)
  if (fields.length === 6 && !schedule.trim().startsWith('@')) return [fields[5], ...fields.slice(0, 5)].join(' ')
  return schedule.trim()
}
