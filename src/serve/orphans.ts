import os from 'node:os'
import type { JobLogger } from '../run/job-type.js'
import { killOrphanGroup } from '../reliability/process-identity.js'
import type { RunRowWithControl } from '../state/run-control.js'
import type { Store } from '../state/store.js'

/**
 * The process group a lost run left behind, stopped if it still runs on this host and is provably that
 * group (see killOrphanGroup), and kept in `actions` ('orphan-killed'). Returns a sentence for the run's
 * error, or null when there was nothing to say.
 */
export async function stopOrphanGroup(
  row: RunRowWithControl,
  store: Store,
  log: JobLogger,
  at: string,
): Promise<string | null> {
  if (!row.pgid || !row.proc_start) return null
  if (row.host !== os.hostname()) {
    return row.host ? `its process group ${row.pgid} was on host ${row.host}, which this instance cannot reach` : null
  }
  const verdict = killOrphanGroup(row.pgid, row.proc_start)
  if (verdict.kind === 'killed') {
    const detail = `killed process group ${row.pgid} (${verdict.pids.length} process${verdict.pids.length === 1 ? '' : 'es'}: ${verdict.pids.join(', ')}) left running by ${row.instance}`
    await store.actions.record(row.job, 'orphan-killed', detail, row.id, at)
    log.warn(`${row.job}: run ${row.id}: ${detail}`, { job: row.job })
    return `its process group ${row.pgid} was still running and was killed`
  }
  if (verdict.kind === 'reused') {
    log.info(`${row.job}: run ${row.id}: pid ${row.pgid} now belongs to another process; left alone`, { job: row.job })
    return `its process group ${row.pgid} had ended (the pid now belongs to another process, left alone)`
  }
  if (verdict.kind === 'unverifiable')
    return `its process group ${row.pgid} could not be checked (another boot); left alone`
  return null
}
