import { createReadStream } from 'node:fs'
import { isUtf8 } from 'node:buffer'
import { FeedError } from './feed-error.js'

/** The `encoding` option: `auto` or a name (aliases included). */
export const ENCODING_NAMES = [
  'auto',
  'utf-8',
  'utf8',
  'shift_jis',
  'shift-jis',
  'sjis',
  'cp932',
  'windows-31j',
  'ms932',
  'euc-jp',
] as const
export type EncodingName = (typeof ENCODING_NAMES)[number]

export type FileEncoding = 'utf-8' | 'shift_jis' | 'cp932' | 'euc-jp'

const CANONICAL: Record<Exclude<EncodingName, 'auto'>, FileEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  shift_jis: 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  cp932: 'cp932',
  'windows-31j': 'cp932',
  ms932: 'cp932',
  'euc-jp': 'euc-jp',
}

export function canonicalEncoding(name: Exclude<EncodingName, 'auto'>): FileEncoding {
  return CANONICAL[name]
}

export interface EncodingInfo {
  encoding: FileEncoding
  /** The file starts with a UTF-8 byte-order mark. */
  bom: boolean
  /** Decided by `auto` rather than named in the options. */
  detected: boolean
}

const UTF8_BOM = [0xef, 0xbb, 0xbf]

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b)
}

/** The length of the UTF-8 sequence a lead byte starts. */
function utf8Length(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2
}

/** How many bytes at the end of `buf` start a UTF-8 sequence the next chunk completes. */
function incompleteUtf8Tail(buf: Buffer): number {
  for (let i = 1; i <= Math.min(3, buf.length); i++) {
    const b = buf[buf.length - i]
    if ((b & 0xc0) === 0x80) continue
    if (b < 0xc0) return 0
    return utf8Length(b) > i ? i : 0
  }
  return 0
}

async function isWholeFileUtf8(file: string, signal: AbortSignal): Promise<boolean> {
  let carry = Buffer.alloc(0)
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) {
    let rest = chunk
    if (carry.length) {
      // Only the character the last chunk cut is copied and checked on its own, not the whole chunk.
      const seam = Buffer.concat([carry, chunk.subarray(0, utf8Length(carry[0]) - carry.length)])
      rest = chunk.subarray(seam.length - carry.length)
      if (incompleteUtf8Tail(seam) === seam.length) {
        carry = seam
        continue
      }
      if (!isUtf8(seam)) return false
    }
    const tail = incompleteUtf8Tail(rest)
    if (!isUtf8(rest.subarray(0, rest.length - tail))) return false
    carry = Buffer.from(rest.subarray(rest.length - tail))
  }
  return carry.length === 0
}

// CP932 (Windows-31J) adds NEC row 13 (①, ㈱, ㍻…), NEC-selected and IBM extensions, and user-defined
// characters to Shift_JIS; a file using any of them is CP932.
const CP932_ONLY_LEADS = new Set([
  0x87, 0xed, 0xee, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc,
])

/** Walks the file as Shift_JIS: null if some byte cannot be Shift_JIS/CP932, else which of the two. */
async function shiftJisVariant(
  file: string,
  signal: AbortSignal,
): Promise<{ encoding: 'shift_jis' | 'cp932' } | { badOffset: number }> {
  let lead = false
  let cp932 = false
  let offset = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++, offset++) {
      const b = chunk[i]
      if (lead) {
        if (!((b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfc))) return { badOffset: offset }
        lead = false
      } else if (b >= 0x80 && !(b >= 0xa1 && b <= 0xdf)) {
        if (!((b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc))) return { badOffset: offset }
        lead = true
        if (CP932_ONLY_LEADS.has(b)) cp932 = true
      }
    }
  }
  if (lead) return { badOffset: offset - 1 }
  return { encoding: cp932 ? 'cp932' : 'shift_jis' }
}

async function firstBytes(file: string): Promise<Buffer> {
  const { open } = await import('node:fs/promises')
  const handle = await open(file, 'r')
  try {
    const buf = Buffer.alloc(4)
    const { bytesRead } = await handle.read(buf, 0, 4, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/**
 * The file's encoding. A UTF-8 byte-order mark decides at once; otherwise `auto` reads the whole file: valid
 * UTF-8 throughout (plain ASCII included) is UTF-8, else valid Shift_JIS is Shift_JIS — or CP932 when it uses
 * CP932's extra characters. A named encoding is checked only against a byte-order mark that contradicts it.
 */
export async function resolveEncoding(
  file: string,
  display: string,
  name: EncodingName,
  signal: AbortSignal,
): Promise<EncodingInfo> {
  const head = await firstBytes(file)
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    throw new FeedError(`${display}: UTF-16 files are not supported; save it as UTF-8 or Shift_JIS`, 'encoding')
  }
  const bom = startsWith(head, UTF8_BOM)
  if (name !== 'auto') {
    const encoding = canonicalEncoding(name)
    if (bom && encoding !== 'utf-8')
      throw new FeedError(
        `${display}: starts with a UTF-8 byte-order mark, but encoding is ${name}; use encoding 'utf-8' or 'auto'`,
        'encoding',
      )
    return { encoding, bom, detected: false }
  }
  if (bom || (await isWholeFileUtf8(file, signal))) return { encoding: 'utf-8', bom, detected: true }
  const sjis = await shiftJisVariant(file, signal)
  if ('encoding' in sjis) return { encoding: sjis.encoding, bom: false, detected: true }
  throw new FeedError(
    `${display}: cannot tell the encoding: it is neither UTF-8 nor Shift_JIS/CP932 (byte offset ${sjis.badOffset}); set encoding (e.g. 'euc-jp')`,
    'encoding',
  )
}
