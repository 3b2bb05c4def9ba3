import { RowRejected } from '../row-rejected.js'

/** The longest id stored (the unique index on MySQL/MariaDB covers 191 characters). */
export const MAX_ID_LENGTH = 191

/** An id as written (trimmed, otherwise exact: ids are compared byte for byte). */
export function requiredId(value: string | undefined, column: string): string {
  const id = (value ?? '').trim()
  if (!id) throw new RowRejected(`${column} is empty`)
  if (id.length > MAX_ID_LENGTH) throw new RowRejected(`${column} is longer than ${MAX_ID_LENGTH} characters`)
  return id
}

export function optionalId(value: string | undefined, column: string): string {
  const id = (value ?? '').trim()
  if (id.length > MAX_ID_LENGTH) throw new RowRejected(`${column} is longer than ${MAX_ID_LENGTH} characters`)
  return id
}
