import type { PluginKeyValue } from 'circadian'
import { type AlertState, type Silence, alertStateSchema, silenceActive, silenceSchema } from './alert-state.js'

/** The plugin's key-value namespace: its package name (the core namespaces `ctx.kv` the same way). */
export const PLUGIN_NAMESPACE = '@circadian/plugin-sql-alerts'

/**
 * Alert state and silences in the plugin's key-value store. The job writes `state:<job>`, the `alerts`
 * commands write `silence:<job>`: separate keys, so a silence set while a run is going is never lost.
 */
export class AlertStore {
  constructor(private readonly kv: PluginKeyValue) {}

  /** The stored state, or undefined (never evaluated, or written by an incompatible version: start afresh). */
  async state(job: string): Promise<AlertState | undefined> {
    const parsed = alertStateSchema.safeParse(await this.kv.get(`state:${job}`))
    return parsed.success ? parsed.data : undefined
  }

  async saveState(job: string, state: AlertState): Promise<void> {
    await this.kv.set(`state:${job}`, state)
  }

  async silence(job: string): Promise<Silence | undefined> {
    const parsed = silenceSchema.safeParse(await this.kv.get(`silence:${job}`))
    return parsed.success ? parsed.data : undefined
  }

  async saveSilence(job: string, silence: Silence): Promise<void> {
    await this.kv.set(`silence:${job}`, silence)
  }

  async deleteSilence(job: string): Promise<void> {
    await this.kv.delete(`silence:${job}`)
  }

  /** Ends the alert's silence (an expired one is cleared too); true when one was in effect at `now`. */
  async endSilence(job: string, now: number): Promise<boolean> {
    const silence = await this.silence(job)
    if (silence) await this.deleteSilence(job)
    return silenceActive(silence, now)
  }
}
