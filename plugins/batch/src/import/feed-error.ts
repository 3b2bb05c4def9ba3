/** A problem with a whole feed file (unreadable, wrong header, broken CSV): the import fails and changes nothing. */
export class FeedError extends Error {
  constructor(
    message: string,
    readonly reason: 'no-files' | 'unreadable' | 'encoding' | 'header' | 'csv' | 'empty-feed',
  ) {
    super(message)
    this.name = 'FeedError'
  }
}
