import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import net from 'node:net'
import { type Browser, type Page, chromium } from 'playwright-core'
import { BIN, type Sandbox } from './cli.js'
import { fakeClockEnv, fakeClockOffsetMs } from './clock.js'
import { waitFor } from './servers.js'

/** Debian's Chromium: no browser downloads work on these machines. */
export const CHROMIUM = '/usr/bin/chromium'

export function requireChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `the dashboard tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)`,
    )
}

export function launchChromium(): Promise<Browser> {
  // Chromium does not start under libfaketime (`npm run test:clock`): it runs on the real clock, and each
  // page is put on the test's clock by `syncPageClock`.
  const fake = fakeClockEnv()
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => !(k in fake) && v !== undefined),
  ) as Record<string, string>
  return chromium.launch({
    executablePath: CHROMIUM,
    env,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * Under libfaketime (`npm run test:clock`), shifts the page's `Date` by the same offset as this process's
 * clock, before any of its scripts run; its timers keep real time. Otherwise does nothing. (Playwright's
 * `page.clock` does not fit: it replays its install against Node's clock, which is the fake one.)
 */
export async function syncPageClock(page: Page): Promise<void> {
  const offset = fakeClockOffsetMs()
  if (offset === null) return
  await page.addInitScript((ms: number) => {
    const Real = Date
    function Shifted(this: unknown, ...args: ConstructorParameters<DateConstructor>): Date | string {
      if (!new.target) return new Real(Real.now() + ms).toString()
      return args.length ? new Real(...args) : new Real(Real.now() + ms)
    }
    Shifted.prototype = Real.prototype
    Shifted.now = () => Real.now() + ms
    Shifted.parse = Real.parse
    Shifted.UTC = Real.UTC
    globalThis.Date = Shifted as unknown as DateConstructor
  }, offset)
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export interface ServeProcess {
  child: ChildProcess
  /** Everything serve printed so far, stdout and stderr. */
  output(): string
}

/** Starts `circadian serve` in the sandbox and waits until its HTTP server listens. */
export async function startServeHttp(
  box: Sandbox,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: box.dir,
    env: { ...box.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (c) => (out += c))
  child.stderr!.on('data', (c) => (out += c))
  await waitFor(() => out.includes('HTTP on ') || child.exitCode !== null, timeoutMs)
  if (child.exitCode !== null) throw new Error(`serve did not start:\n${out}`)
  return { child, output: () => out }
}
