/** Keeps the last `limit` bytes written to it (the tail of a process's output). */
export class TailBuffer {
  private chunks: Buffer[] = []
  private size = 0
  private dropped = false

  constructor(private readonly limit: number) {}

  write(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.size += chunk.length
    while (this.size - this.chunks[0].length >= this.limit) {
      this.size -= this.chunks.shift()!.length
      this.dropped = true
    }
  }

  /** The kept text; when the start was cut, a partial first character and line are dropped. */
  text(): string {
    let buf = Buffer.concat(this.chunks)
    if (buf.length > this.limit) {
      buf = buf.subarray(buf.length - this.limit)
      this.dropped = true
    }
    let text = buf.toString('utf8')
    if (this.dropped) {
      text = text.replace(/^\uFFFD+/, '')
      const firstNewline = text.indexOf('\n')
      if (firstNewline >= 0 && firstNewline < 200) text = text.slice(firstNewline + 1)
      text = `[… earlier output dropped]\n${text}`
    }
    return text
  }
}
