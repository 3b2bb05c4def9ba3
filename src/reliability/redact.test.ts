import { afterEach, describe, expect, it } from 'vitest'
import { REDACTED, redact, redactDeep } from './redact.js'
import { clearSecrets, registerSecret } from './secrets.js'

afterEach(() => clearSecrets())

describe('redact', () => {
  it('replaces every registered secret, and its URL-encoded form', () => {
    registerSecret('p@ss w0rd!')
    expect(redact('login with p@ss w0rd! or p%40ss%20w0rd!')).toBe(`login with ${REDACTED} or ${REDACTED}`)
  })

  it('replaces the longest secret first when one contains another', () => {
    registerSecret('abcd')
    registerSecret('abcd-efgh-ijkl')
    expect(redact('x abcd-efgh-ijkl y abcd')).toBe(`x ${REDACTED} y ${REDACTED}`)
  })

  it('ignores values too short to be secrets', () => {
    registerSecret('ab')
    expect(redact('about a cab')).toBe('about a cab')
  })

  it.each([
    ['postgres://alice:s3cret@db.internal:5432/wh', `postgres://alice:${REDACTED}@db.internal:5432/wh`],
    ['mysql+pymysql://root:pw1234@localhost/db', `mysql+pymysql://root:${REDACTED}@localhost/db`],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', `Authorization: Bearer ${REDACTED}`],
    ['https://hooks.slack.com/services/T000/B000/XXXXXXXX', `https://hooks.slack.com/${REDACTED}`],
    ['token xoxb-1234567890-abcdefghij', `token ${REDACTED}`],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123', REDACTED],
    ['AKIAABCDEFGHIJKLMNOP', REDACTED],
    ['password=hunter22&user=bob', `password=${REDACTED}&user=bob`],
    ['{"api_key": "k-123456"}', `{"api_key": "${REDACTED}"}`],
  ])('redacts secret-shaped text: %s', (input, expected) => {
    expect(redact(input)).toBe(expected)
  })

  it('leaves ordinary text alone', () => {
    const text = 'author: Alice; https://example.com/a:b; exit code 3; 2026-03-29T01:00:00Z'
    expect(redact(text)).toBe(text)
  })

  it('stays linear on long output with no URL in it (a quadratic pattern took seconds on 64 KB)', () => {
    const big = `${'x'.repeat(1_000_000)} postgres://u:hunter2@db/x ${'y'.repeat(1_000_000)}`
    const out = redact(big)
    expect(out).not.toContain('hunter2')
    expect(out.length).toBeGreaterThan(2_000_000)
  })

  it('redactDeep walks objects and arrays and keeps non-strings', () => {
    registerSecret('tok-123456')
    expect(redactDeep({ a: ['tok-123456', 3, null], b: { c: 'x tok-123456' }, d: true })).toEqual({ a: [REDACTED, 3, null], b: { c: `x ${REDACTED}` }, d: true })
  })
})
