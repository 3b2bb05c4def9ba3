/** Shared by the secrets-* tests: a seeded PRNG, random hostile secrets, the forms a job prints them in, a leak finder. */

/** mulberry32: small, fast, and reproducible from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed from SECRETS_SEED (to replay a failure) or a fresh one; tests print it. */
export function seedFromEnv(): number {
  const given = Number(process.env.SECRETS_SEED)
  return Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1
}

export const int = (rand: () => number, min: number, max: number) => min + Math.floor(rand() * (max - min + 1))

// Letters whose upper/lower case has the same length (not ß, ŉ, ǰ …): case-folded forms stay matchable.
const POOL = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...`"\\'/ +&=%?#:;,.!*()~-_<>{}[]`,
  ...'éüñÅØжЖΩ中文🔑€',
]

/** A random secret of 8–64 characters that always holds a quote, a backslash and a non-ASCII character. */
export function randomSecret(rand: () => number): string {
  const length = int(rand, 8, 64)
  const chars = Array.from({ length }, () => POOL[int(rand, 0, POOL.length - 1)])
  for (const must of ['"', '\\', 'é']) chars[int(rand, 0, chars.length - 1)] = must
  // A leading or trailing space would be trimmed from a summary line anyway; keep the value exact.
  return chars.join('').trim().padEnd(8, 'q')
}

const json = (s: string) => JSON.stringify(s).slice(1, -1)
const asciiJson = (s: string) =>
  json(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** The forms a job or a library prints a secret in. */
export function printedForms(secret: string): Record<string, string> {
  return {
    plain: secret,
    json: json(secret),
    asciiJson: asciiJson(secret),
    lower: secret.toLowerCase(),
    upper: secret.toUpperCase(),
    uri: encodeURIComponent(secret),
    form: new URLSearchParams({ v: secret }).toString().slice(2),
  }
}

/** Every form a secret can take in a sink: the printed ones, and those again as they sit inside JSON text. */
function detectionForms(secret: string): string[] {
  const forms = Object.values(printedForms(secret))
  return [...new Set([...forms, ...forms.map(json), ...forms.map((f) => json(json(f)))])]
}

/** The first 8-character piece of any form of any secret found in `text`, or null. */
export function findLeak(
  text: string,
  secrets: string[],
  window = 8,
): { secret: string; piece: string; at: number } | null {
  for (const secret of secrets) {
    for (const form of detectionForms(secret)) {
      const units = [...form]
      for (let i = 0; i + window <= units.length; i++) {
        const piece = units.slice(i, i + window).join('')
        const at = text.indexOf(piece)
        if (at >= 0) return { secret, piece, at }
      }
    }
  }
  return null
}

/** Filler text that shares no 8-character piece with a random secret. */
export function filler(rand: () => number, length: number): string {
  const words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'tick', 'row', 'ok', 'batch', '\n']
  let out = ''
  while (out.length < length) out += `${words[int(rand, 0, words.length - 1)]} `
  return out.slice(0, length)
}
