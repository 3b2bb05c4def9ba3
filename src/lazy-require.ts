import { createRequire } from 'node:module'

/**
 * Loads a CommonJS package on first use. Through require() rather than import(), Node skips lexing the
 * package for named exports (~20-40 ms for esbuild or knex) — startup time that every command pays.
 */
export const lazyRequire = createRequire(import.meta.url)
