import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { packagePath } from '../../paths.js'

interface Asset {
  body: Buffer
  type: string
  etag: string
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
}

/** The page loads only its own script, styles and API: nothing inline, nothing from elsewhere. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>circadian dashboard</title>
<h1>The dashboard is not built</h1><p>Its files (dist/dashboard) are missing. Build them with <code>npm run build:core</code> in the circadian package, then reload.</p></html>`

/** The files scripts/build-dashboard.mjs wrote, read once (and again while they are missing). */
function loadAssets(): Map<string, Asset> | null {
  try {
    const assets = new Map<string, Asset>()
    for (const [name, type] of Object.entries(FILES)) {
      const body = readFileSync(packagePath('dist', 'dashboard', name))
      assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` })
    }
    return assets
  } catch {
    return null
  }
}

/** `/` and `/assets/*`: the page's HTML, script and styles. */
export function registerStaticRoutes(app: FastifyInstance): void {
  let assets = loadAssets()
  const send = (name: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    assets ??= loadAssets()
    const asset = assets?.get(name)
    void reply.headers(PAGE_HEADERS)
    if (!asset) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT)
    void reply.header('etag', asset.etag).header('cache-control', 'no-cache')
    if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send()
    return reply.type(asset.type).send(asset.body)
  }
  app.get('/', send('index.html'))
  app.get('/assets/app.js', send('app.js'))
  app.get('/assets/app.css', send('app.css'))
}
