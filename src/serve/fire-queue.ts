export interface QueuedFire {
  job: string
  /** The occurrence (nominal scheduled instant); its claim. */
  occurrence: number
  /** When it is due: the occurrence plus its jitter. */
  dueAt: number
  /** Fires of a job replaced or removed since they were queued are dropped when popped. */
  generation: number
  /**
   * The job's occurrence after this one (null: none), worked out while the scheduler is idle, so a wake-up
   * with thousands of fires due does not spend its time in cron arithmetic before their runs are claimed.
   */
  following?: number | null
}

/** A binary min-heap of fires by due time: one timer serves every job. */
export class FireQueue {
  private heap: QueuedFire[] = []

  get size(): number {
    return this.heap.length
  }

  peek(): QueuedFire | undefined {
    return this.heap[0]
  }

  push(fire: QueuedFire): void {
    const h = this.heap
    h.push(fire)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (h[parent].dueAt <= h[i].dueAt) break
      ;[h[parent], h[i]] = [h[i], h[parent]]
      i = parent
    }
  }

  pop(): QueuedFire | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length && last) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && h[l].dueAt < h[m].dueAt) m = l
        if (r < h.length && h[r].dueAt < h[m].dueAt) m = r
        if (m === i) break
        ;[h[m], h[i]] = [h[i], h[m]]
        i = m
      }
    }
    return top
  }
}
