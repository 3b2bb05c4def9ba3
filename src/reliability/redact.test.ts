import { afterEach, describe, expect, it } from 'vitest'
import { REDACTED, redact, redactDeep, redactThenTruncate, secretSafeCut } from './redact.js'
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
    expect(redactDeep({ a: ['tok-123456', 3, null], b: { c: 'x tok-123456' }, d: true })).toEqual({
      a: [REDACTED, 3, null],
      b: { c: `x ${REDACTED}` },
      d: true,
    })
  })

  it('finds a secret in any letter case, JSON-escaped (also as \\u, with \\/, twice) and URL-encoded (also form-style)', () => {
    const secret = 'Pa"ss\\wörd/1 x'
    registerSecret(secret)
    const json = JSON.stringify(secret).slice(1, -1)
    for (const form of [
      secret,
      secret.toLowerCase(),
      secret.toUpperCase(),
      json,
      json.replace('ö', '\\u00f6'),
      json.replace('ö', '\\u00F6').replace('/', '\\/'),
      JSON.stringify(json).slice(1, -1),
      encodeURIComponent(secret),
      encodeURIComponent(secret).toLowerCase(),
      new URLSearchParams({ k: secret }).toString().slice(2),
    ]) {
      expect(redact(`before ${form} after`), form).toBe(`before ${REDACTED} after`)
    }
  })

  it('redactThenTruncate redacts before it cuts, so a secret across the cut leaves nothing behind', () => {
    registerSecret('Zq7wX2pL9mK4vB8n')
    const text = `${'a'.repeat(185)}Zq7wX2pL9mK4vB8n and more`
    expect(text.slice(0, 200)).toContain('Zq7wX2pL9mK4vB8') // what the old cut kept
    const cut = redactThenTruncate(text, 200)
    expect(cut).toBe(`${'a'.repeat(185)}${REDACTED} and…`)
    expect(redactThenTruncate(text, 190)).toBe(`${'a'.repeat(185)}${REDACTED.slice(0, 4)}…`)
    expect(redactThenTruncate(text, 20, { keep: 'end' })).toBe(`…${`${REDACTED} and more`.slice(-19)}`)
    expect(redactThenTruncate('short', 200)).toBe('short')
  })

  it('redactThenTruncate never splits a surrogate pair', () => {
    expect(redactThenTruncate('ab🔑cd', 4)).toBe('ab…')
    expect(redactThenTruncate('ab🔑cd', 4, { keep: 'end' })).toBe('…cd')
  })

  it('secretSafeCut moves a cut inside a secret back to where the secret starts', () => {
    registerSecret('Zq7wX2pL9mK4vB8n')
    const text = 'xxxx Zq7wX2pL9mK4vB8n yyyy'
    expect(secretSafeCut(text, 10)).toBe(5)
    expect(secretSafeCut(text, 3)).toBe(3)
    expect(secretSafeCut(text, 22)).toBe(22)
    expect(secretSafeCut('token Bearer abcdefghijklmnop end', 20)).toBe(6)
  })
})
