import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One delivery as a webhook receiver sees it: the idempotency key, the notices coalesced into it, the answer given. */
export interface Delivery {
  key: string
  coalesced: string[]
  job: string
  title: string
  status: number
}

/**
 * A webhook receiver on 127.0.0.1 that refuses (500) or accepts (200) as told, optionally slowly, and
 * records every delivery with the answer it got.
 */
export async function noticeReceiver(options: { delayMs?: number } = {}) {
  const deliveries: Delivery[] = []
  let status = 200
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: string; coalesced?: string[]; title: string; fields: { job?: string } }
      const answer = status
      setTimeout(() => {
        deliveries.push({
          key: String(req.headers['idempotency-key']),
          coalesced: parsed.coalesced ?? [],
          job: parsed.fields.job ?? '',
          title: parsed.title,
          status: answer,
        })
        res.writeHead(answer).end(answer < 300 ? 'ok' : 'refused')
      }, options.delayMs ?? 0)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    refuse: () => (status = 500),
    accept: () => (status = 200),
    /** Keys of accepted deliveries, each notice (coalesced ones too) in the order it arrived. */
    accepted: () => deliveries.filter((d) => d.status === 200).flatMap((d) => [d.key, ...d.coalesced]),
    close: async () => {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
}
