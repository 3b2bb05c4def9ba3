import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveEncoding } from '../src/import/encoding.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-enc-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const signal = new AbortController().signal

function file(name: string, bytes: Buffer): string {
  const full = path.join(dir, name)
  writeFileSync(full, bytes)
  return full
}

const JAPANESE = 'external_id,title\nA1,看護師募集（夜勤あり）ｶﾀｶﾅ\n'

describe("encoding: 'auto'", () => {
  it('UTF-8 with a byte-order mark', async () => {
    const f = file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JAPANESE)]))
    expect(await resolveEncoding(f, 'bom.csv', 'auto', signal)).toEqual({
      encoding: 'utf-8',
      bom: true,
      detected: true,
    })
  })

  it('UTF-8 without one, and plain ASCII', async () => {
    expect((await resolveEncoding(file('utf8.csv', Buffer.from(JAPANESE)), 'utf8.csv', 'auto', signal)).encoding).toBe(
      'utf-8',
    )
    expect(
      (await resolveEncoding(file('ascii.csv', Buffer.from('a,b\n1,2\n')), 'ascii.csv', 'auto', signal)).encoding,
    ).toBe('utf-8')
  })

  it('Shift_JIS, and CP932 when the file uses its extra characters (①, ㈱)', async () => {
    expect(
      (await resolveEncoding(file('sjis.csv', iconv.encode(JAPANESE, 'shift_jis')), 'sjis.csv', 'auto', signal))
        .encoding,
    ).toBe('shift_jis')
    const cp932 = iconv.encode('external_id,title\nA1,㈱サクラ ①看護師\n', 'cp932')
    expect((await resolveEncoding(file('cp932.csv', cp932), 'cp932.csv', 'auto', signal)).encoding).toBe('cp932')
  })

  it('reads the whole file: Shift_JIS after 2 MB of ASCII is still found', async () => {
    const bytes = Buffer.concat([
      Buffer.from('external_id,title\n' + 'A0,plain ascii title here\n'.repeat(90_000)),
      iconv.encode('B1,看護師\n', 'shift_jis'),
    ])
    expect(bytes.length).toBeGreaterThan(2 << 20)
    expect((await resolveEncoding(file('late.csv', bytes), 'late.csv', 'auto', signal)).encoding).toBe('shift_jis')
  })

  it('keeps a UTF-8 character split across read chunks whole', async () => {
    // 1 MiB chunks: put a 3-byte character right on the boundary.
    const pad = Buffer.alloc((1 << 20) - 1, 0x61)
    const bytes = Buffer.concat([pad, Buffer.from('看護師\n')])
    expect((await resolveEncoding(file('boundary.csv', bytes), 'boundary.csv', 'auto', signal)).encoding).toBe('utf-8')
  })

  it('a character cut by a read chunk and not finished in the next one is not UTF-8', async () => {
    const pad = Buffer.alloc((1 << 20) - 1, 0x61)
    expect(
      (
        await resolveEncoding(
          file('cut.csv', Buffer.concat([pad, Buffer.from([0xe7, 0x41, 0x0a])])),
          'cut.csv',
          'auto',
          signal,
        )
      ).encoding,
    ).toBe('shift_jis')
    const fourBytes = Buffer.concat([Buffer.alloc((1 << 20) - 2, 0x61), Buffer.from('😀\n')])
    expect((await resolveEncoding(file('emoji.csv', fourBytes), 'emoji.csv', 'auto', signal)).encoding).toBe('utf-8')
  })

  it('refuses UTF-16 and bytes that are neither UTF-8 nor Shift_JIS', async () => {
    await expect(
      resolveEncoding(file('u16.csv', Buffer.from([0xff, 0xfe, 0x41, 0x00])), 'u16.csv', 'auto', signal),
    ).rejects.toThrow('u16.csv: UTF-16 files are not supported')
    await expect(
      resolveEncoding(file('junk.csv', Buffer.from([0x41, 0x2c, 0xfd, 0xfe, 0x0a])), 'junk.csv', 'auto', signal),
    ).rejects.toThrow(/junk.csv: cannot tell the encoding: it is neither UTF-8 nor Shift_JIS\/CP932 \(byte offset 2\)/)
  })
})

describe('a named encoding', () => {
  it('is used as given (aliases included)', async () => {
    const f = file('named.csv', iconv.encode(JAPANESE, 'euc-jp'))
    expect(await resolveEncoding(f, 'named.csv', 'euc-jp', signal)).toEqual({
      encoding: 'euc-jp',
      bom: false,
      detected: false,
    })
    expect((await resolveEncoding(f, 'named.csv', 'windows-31j', signal)).encoding).toBe('cp932')
    expect((await resolveEncoding(f, 'named.csv', 'sjis', signal)).encoding).toBe('shift_jis')
  })

  it('contradicted by a UTF-8 byte-order mark fails clearly', async () => {
    const f = file('bom2.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JAPANESE)]))
    await expect(resolveEncoding(f, 'bom2.csv', 'shift_jis', signal)).rejects.toThrow(
      "bom2.csv: starts with a UTF-8 byte-order mark, but encoding is shift_jis; use encoding 'utf-8' or 'auto'",
    )
  })
})
