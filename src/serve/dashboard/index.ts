import type { FastifyInstance } from 'fastify'
import type { HealthContext } from '../health.js'
import type { HttpPolicy } from '../http/guard.js'
import { registerDataRoutes } from './data-routes.js'
import { feedHub } from './live-feed.js'
import type { RegisteredPanel } from './panel-contract.js'
import { Panels } from './panels.js'
import { SseHub } from './sse-hub.js'
import { registerStaticRoutes } from './static-routes.js'

export interface DashboardOptions {
  /** Panels from plugins' `dashboard-panels` hooks. */
  panels: RegisteredPanel[]
}

/**
 * The dashboard as serve's HTTP extension: the page at `/`, its data under /api/dashboard, live changes at
 * /api/events. Open event streams are ended before the server closes, so stopping never waits on a browser.
 */
export function dashboard(options: DashboardOptions) {
  return (app: FastifyInstance, policy: () => HttpPolicy, health: HealthContext): void => {
    const hub = new SseHub(() => health.runtime.config.serve.http?.maxStreams ?? 32)
    const stopFeed = feedHub(hub, health.runtime, () => health.reloadError())
    const panels = new Panels(options.panels, health.store, () => health.runtime.config)
    app.addHook('preClose', (done) => {
      stopFeed()
      hub.close()
      done()
    })
    registerStaticRoutes(app)
    registerDataRoutes(app, { health, panels, hub, policy })
  }
}
