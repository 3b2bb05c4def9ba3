export const FEED_KINDS = ['listings', 'users', 'applications', 'activity'] as const
export type FeedKind = (typeof FEED_KINDS)[number]

/** What a feed's row reader may need besides the row. */
export interface RowEnv {
  /** The zone of dates written without an offset. */
  zone: string
}

/** A row's cells by (normalized) column name; undefined for an optional column the file does not have. */
export type CellReader = (column: string) => string | undefined

/** One kind of feed: its columns, how a row becomes table values, and where it lands. */
export interface FeedSpec {
  kind: FeedKind
  table: string
  /** The columns identifying a row: re-importing the same key updates the row instead of adding one. */
  key: readonly string[]
  /** Columns the header must have. */
  required: readonly string[]
  /** Columns used when present. */
  optional: readonly string[]
  /** Other names a header may use for a column (`user_id` for a users feed's `external_id`). */
  aliases?: Readonly<Record<string, string>>
  /** Groups of which the header needs at least one column (activity: `event`, or `views`/`clicks`). */
  oneOf?: ReadonlyArray<readonly string[]>
  /** The table columns `toRow` fills, in order (the import adds its bookkeeping columns). */
  columns: readonly string[]
  /** `status` of a row in the latest feed, and of one a full feed no longer has. */
  status: { present: string; absent: string }
  /**
   * Match-key columns and the column each is the key of (`company_key` of `company_name`). toRow leaves them
   * null; the thread that writes fills them (matchKey never rejects a row), which evens out the work when a
   * worker thread parses and validates.
   */
  matchKeys?: ReadonlyArray<readonly [key: string, of: string]>
  /** Validates and converts one row; throws RowRejected with the reason. */
  toRow(cell: CellReader, env: RowEnv): unknown[]
  /** The row's id as written, for the rejects (null when the kind has no single id or it is empty). */
  idOf(cell: CellReader): string | null
}
