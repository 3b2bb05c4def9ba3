import { createHmac } from 'node:crypto'
import type { NotifierConfig } from '../config/schema/notifiers.js'
import { lazyRequire } from '../lazy-require.js'
import type { Notice } from '../run/job-type.js'

const REQUEST_TIMEOUT_MS = 10_000

/** What identifies one delivery: the notice's idempotency key, and the keys of notices coalesced into it. */
export interface Delivery {
  key: string
  coalesced: string[]
}

export type Channel = (notice: Notice, delivery: Delivery) => Promise<void>

const idempotencyHeaders = (d: Delivery) => ({ 'idempotency-key': d.key })

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim())
  await res.arrayBuffer()
}

function plainText(notice: Notice): string {
  const fields = Object.entries(notice.fields ?? {}).map(([k, v]) => `${k}: ${v ?? '-'}`)
  return [notice.text, ...fields].filter(Boolean).join('\n')
}

/** The function that delivers a notice through one configured notifier. */
export function channelFor(config: NotifierConfig): Channel {
  switch (config.type) {
    case 'webhook':
      return async (notice, delivery) => {
        const body = JSON.stringify({
          id: delivery.key,
          ...(delivery.coalesced.length ? { coalesced: delivery.coalesced } : {}),
          title: notice.title,
          text: notice.text,
          severity: notice.severity ?? 'info',
          fields: notice.fields ?? {},
          sentAt: new Date().toISOString(),
        })
        const headers: Record<string, string> = { ...(config.headers ?? {}), ...idempotencyHeaders(delivery) }
        if (config.secret)
          headers['x-circadian-signature'] = `sha256=${createHmac('sha256', config.secret).update(body).digest('hex')}`
        await post(config.url, body, headers)
      }
    case 'slack':
      return async (notice, delivery) => {
        const body = JSON.stringify({
          text: `*${notice.title}*\n${plainText(notice)}`,
          ...(config.channel ? { channel: config.channel } : {}),
          ...(config.username ? { username: config.username } : {}),
        })
        await post(config.webhookUrl, body, idempotencyHeaders(delivery))
      }
    case 'email':
      return async (notice, delivery) => {
        const nodemailer = lazyRequire('nodemailer') as typeof import('nodemailer')
        const transport = nodemailer.createTransport({
          host: config.host,
          port: config.port ?? (config.secure ? 465 : 587),
          secure: config.secure ?? false,
          auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
          tls: config.tls,
          connectionTimeout: REQUEST_TIMEOUT_MS,
          greetingTimeout: REQUEST_TIMEOUT_MS,
          socketTimeout: REQUEST_TIMEOUT_MS,
        })
        try {
          await transport.sendMail({
            from: config.from,
            to: config.to,
            subject: notice.title,
            text: plainText(notice),
            messageId: `<${delivery.key}@circadian>`,
          })
        } finally {
          transport.close()
        }
      }
  }
}
