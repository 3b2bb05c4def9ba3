// Shared helpers for benchmarks: time whole processes and summarise.
import { spawnSync } from 'node:child_process'

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Runs a command `runs` times (after `warmup` untimed runs) and returns the wall times in ms. */
export function timeProcess(cmd, args, { runs = 7, warmup = 1, cwd, env, envPerRun } = {}) {
  const times = []
  for (let i = 0; i < warmup + runs; i++) {
    const start = process.hrtime.bigint()
    const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env, ...envPerRun?.() }, encoding: 'utf8' })
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
    if (i >= warmup) times.push(ms)
  }
  return times
}

export const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`
export const ratio = (a, b) => `${(a / b).toFixed(2)}x`
