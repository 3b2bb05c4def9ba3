import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedNotice {
  path: string
  headers: Record<string, string | string[] | undefined>
  body: { title: string; text: string; severity: string; fields: Record<string, unknown>; sentAt: string }
}

/** A real HTTP server on 127.0.0.1 that records every JSON body posted to it. */
export async function httpReceiver(): Promise<{ url: string; received: ReceivedNotice[]; close(): Promise<void> }> {
  const received: ReceivedNotice[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(body) })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
