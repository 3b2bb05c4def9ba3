import { registerSecret } from '../reliability/secrets.js'
import type { ConfigShape } from './schema/config.js'
import type { DatabaseConfig } from './schema/database.js'

export function databaseSecrets(db: DatabaseConfig | undefined): void {
  if (!db) return
  if (typeof db.connection === 'string') {
    try {
      registerSecret(decodeURIComponent(new URL(db.connection).password))
    } catch {}
  } else if (db.connection && typeof db.connection === 'object') {
    registerSecret(db.connection.password as string | undefined)
  }
}

/**
 * Values that are secret because of where they sit, even when written as literals rather than read with
 * env(): database passwords, webhook and Slack URLs (their path is the credential), HMAC secrets, SMTP
 * passwords, header values, serve's API token. They are then redacted wherever they could surface.
 */
export function registerConfigSecrets(config: ConfigShape): void {
  databaseSecrets(config.state)
  registerSecret(config.serve.token)
  for (const db of Object.values(config.connections)) databaseSecrets(db)
  for (const notifier of Object.values(config.notifiers)) {
    if (notifier.type === 'webhook') {
      registerSecret(notifier.url)
      registerSecret(notifier.secret)
      for (const value of Object.values(notifier.headers ?? {})) registerSecret(value)
    } else if (notifier.type === 'slack') {
      registerSecret(notifier.webhookUrl)
    } else {
      registerSecret(notifier.password)
    }
  }
}
