import { randomBytes } from 'node:crypto'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

// Random bytes are drawn 4 KB at a time: one system call per 256 ids instead of one per id.
let pool = Buffer.alloc(0)
let offset = 0
function nextRandomByte(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096)
    offset = 0
  }
  return pool[offset++]
}

/** A ULID: 26 characters, sortable by creation time, unique without coordination between processes. */
export function newRunId(now: number = Date.now()): string {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time
    t = Math.floor(t / 32)
  }
  let random = ''
  for (let i = 0; i < 16; i++) random += CROCKFORD[nextRandomByte() % 32]
  return time + random
}
