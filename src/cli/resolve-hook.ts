/**
 * Module resolution hook (node:module register): `circadian` imported from anywhere — a plugin linked from
 * another directory, a package installed with `circadian plugins install` — is the running CLI's own API.
 */
let apiUrl = ''

export async function initialize(data: { apiUrl: string }): Promise<void> {
  apiUrl = data.apiUrl
}

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>

export async function resolve(
  specifier: string,
  context: unknown,
  next: Next,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'circadian' && apiUrl) return { url: apiUrl, shortCircuit: true }
  return next(specifier, context)
}
