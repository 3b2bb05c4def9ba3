import { redact, redactionMargin, secretSafeCut } from '../../reliability/redact.js'

/**
 * Keeps the last `limit` bytes written to it (the tail of a process's output), redacted. It holds `margin`
 * bytes more than it shows: the text is redacted together with them, so a secret that straddles the cut
 * is recognised whole rather than kept as its unrecognisable end.
 */
export class TailBuffer {
  private chunks: Buffer[] = []
  private size = 0
  private dropped = false

  constructor(
    private readonly limit: number,
    private readonly margin = redactionMargin(),
  ) {}

  write(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.size += chunk.length
    while (this.size - this.chunks[0].length >= this.limit + this.margin) {
      this.size -= this.chunks.shift()!.length
      this.dropped = true
    }
  }

  /** The kept text, redacted; when the start was cut, a partial first line is dropped. */
  text(): string {
    const buf = Buffer.concat(this.chunks)
    if (!this.dropped && buf.length <= this.limit) return redact(buf.toString('utf8'))
    const window = buf.subarray(Math.max(0, buf.length - this.limit - this.margin))
    const text = window.toString('utf8')
    // Where the last `limit` bytes start, in characters; then back to the start of a secret spanning it.
    const shown = window
      .subarray(Math.max(0, window.length - this.limit))
      .toString('utf8')
      .replace(/^\uFFFD+/, '')
    let kept = redact(text.slice(secretSafeCut(text, text.length - shown.length)))
    const firstNewline = kept.indexOf('\n')
    if (firstNewline >= 0 && firstNewline < 200) kept = kept.slice(firstNewline + 1)
    return `[… earlier output dropped]\n${kept}`
  }
}
