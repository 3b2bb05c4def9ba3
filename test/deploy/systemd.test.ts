import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEPLOY, read, shutdownGraceMs } from './manifests.js'
import { parseDuration } from '../../src/schedule/duration.js'

const UNIT = path.join(DEPLOY, 'systemd', 'circadian.service')
const text = read('deploy/systemd/circadian.service')

/** The unit's settings: every value of each key, in order. */
function settings(): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim())
    if (m) map.set(m[1], [...(map.get(m[1]) ?? []), m[2]])
  }
  return map
}
const unit = settings()
const one = (key: string): string | undefined => unit.get(key)?.at(-1)

describe('systemd unit', () => {
  it('passes systemd-analyze verify with no complaint', (ctx) => {
    const which = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' })
    if (which.error || which.status !== 0) {
      console.warn(
        `deploy: systemd-analyze verify skipped: systemd-analyze is not installed (${which.error?.message ?? which.stderr.trim()}); Debian: apt-get install systemd`,
      )
      ctx.skip()
      return
    }
    const verified = spawnSync('systemd-analyze', ['verify', '--man=no', UNIT], { encoding: 'utf8' })
    // verify exits 0 on some mistakes (an unknown Type= is "ignored"): any line about the unit is a failure.
    const complaints = `${verified.stdout}\n${verified.stderr}`
      .split('\n')
      .filter((l) => l.includes('circadian.service'))
    expect(complaints).toEqual([])
    expect(verified.status).toBe(0)
  })

  it('runs `circadian serve` as a simple (exec) service, restarted on failure but not on a bad config', () => {
    expect(one('Type')).toBe('exec')
    expect(one('ExecStart')).toMatch(/^\/usr\/bin\/env circadian serve( |$)/)
    expect(one('Restart')).toBe('on-failure')
    expect(one('RestartPreventExitStatus')).toBe('2')
    expect(one('KillSignal')).toBe('SIGTERM')
  })

  it('waits longer than serve.shutdownGrace before killing', () => {
    expect(parseDuration(one('TimeoutStopSec')!)).toBeGreaterThan(shutdownGraceMs(''))
  })

  it('is hardened and reads secrets from an environment file', () => {
    for (const [key, value] of Object.entries({
      DynamicUser: 'yes',
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      StateDirectory: 'circadian',
      CacheDirectory: 'circadian',
    })) {
      expect(one(key), key).toBe(value)
    }
    expect(one('EnvironmentFile')).toBe('-/etc/circadian/circadian.env')
    const env = Object.fromEntries(unit.get('Environment')!.map((e) => e.split('=', 2) as [string, string]))
    // With ProtectSystem=strict only the state and cache directories are writable: SQLite and the caches live there.
    expect(env.CIRCADIAN_STATE_URL).toBe('%S/circadian/state.db')
    expect(env.XDG_CACHE_HOME).toBe('%C')
    expect(env.CIRCADIAN_CONFIG).toBe('/etc/circadian/circadian.config.ts')
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false)
  })
})
