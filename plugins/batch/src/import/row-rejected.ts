/** Thrown while reading one row: the row goes to the rejects with this reason, the import goes on. */
export class RowRejected extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'RowRejected'
  }
}
