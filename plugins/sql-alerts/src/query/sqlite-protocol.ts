/** Messages between the plugin and the process that runs SQLite queries for it. */
export interface SqliteRequest {
  id: number
  sql: string
  maxRows: number
  busyTimeoutMs: number
}

export type SqliteReply =
  | { id: number; ok: true; columns: string[]; rows: unknown[][]; truncated: boolean }
  | { id: number; ok: false; code: string; message: string }
