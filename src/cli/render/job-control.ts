import type { PauseResult, ResumeResult } from '../job-control.js'

const quoted = (reason: string | null) => (reason ? `"${reason}"` : 'none')

/** What `pause` did: paused, or already paused with its reason kept or changed. */
export function pauseText(job: string, r: PauseResult): string {
  const noServe = r.liveInstances ? '' : ' (no serve is running right now; it will start paused)'
  if (!r.wasPaused)
    return `${job} paused${r.reason ? ` (${r.reason})` : ''}${r.running ? `; its running run (${r.running}) finishes, later ones are skipped` : ''}${noServe}`
  if (r.reason === r.previousReason) return `${job} was already paused; reason unchanged: ${quoted(r.reason)}`
  return `${job} was already paused; reason changed from ${quoted(r.previousReason)} to ${quoted(r.reason)}`
}

/** What `resume` did: resumed, or nothing because the job was not paused (and whether it is running). */
export function resumeText(job: string, r: ResumeResult): string {
  const running = r.running ? ` (it is running now: ${r.running} run${r.running === 1 ? '' : 's'})` : ''
  if (!r.wasPaused) return `${job} was not paused; nothing changed${running}`
  return `${job} resumed${running}${r.liveInstances ? '' : ' (no serve is running right now)'}`
}
