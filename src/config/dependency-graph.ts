/** Jobs and their `after` lists: an edge from each upstream job to the job that waits for it. */
export type Dependencies = ReadonlyMap<string, readonly string[]>

/** A cycle as a closed path (`['a', 'b', 'a']`), or null when the graph is acyclic. */
export function findCycle(deps: Dependencies): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (job: string): string[] | null => {
    const s = state.get(job)
    if (s === 'done') return null
    if (s === 'visiting') return [...stack.slice(stack.indexOf(job)), job]
    state.set(job, 'visiting')
    stack.push(job)
    for (const up of deps.get(job) ?? []) {
      if (!deps.has(up)) continue
      const cycle = visit(up)
      if (cycle) return cycle
    }
    stack.pop()
    state.set(job, 'done')
    return null
  }
  for (const job of [...deps.keys()].sort()) {
    const cycle = visit(job)
    if (cycle) return cycle.reverse()
  }
  return null
}

/** `jobs` plus everything they wait for, transitively. */
export function withUpstream(jobs: Iterable<string>, deps: Dependencies): Set<string> {
  const out = new Set<string>()
  const add = (job: string): void => {
    if (out.has(job)) return
    out.add(job)
    for (const up of deps.get(job) ?? []) if (deps.has(up)) add(up)
  }
  for (const job of jobs) add(job)
  return out
}

/** Every job that waits (transitively) for `job`. */
export function downstreamOf(job: string, deps: Dependencies): Set<string> {
  const out = new Set<string>()
  let changed = true
  while (changed) {
    changed = false
    for (const [name, ups] of deps) {
      if (out.has(name)) continue
      if (ups.some((u) => u === job || out.has(u))) {
        out.add(name)
        changed = true
      }
    }
  }
  return out
}
