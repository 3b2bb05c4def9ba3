import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ConvertedBatch, FeedLayout } from './convert-records.js'
import { FeedError } from './feed-error.js'
import type { WorkerMessage } from './worker-protocol.js'

/**
 * The worker's compiled file. This module runs from dist/import/ (tsc), dist/hooks-bundle/ (bundled) or
 * src/import/ (tests): two levels up is the plugin's root in each.
 */
export const PARSE_WORKER_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'import',
  'parse-worker.js',
)

export function parseWorkerAvailable(): boolean {
  return existsSync(PARSE_WORKER_FILE)
}

/**
 * A file's converted rows and rejects (as convertFile gives them), read and converted on a worker thread so
 * that it overlaps the main thread's writes: on two cores an import then takes about as long as the writing.
 */
export async function* convertInWorker(layout: FeedLayout, signal: AbortSignal): AsyncGenerator<ConvertedBatch> {
  const worker = new Worker(PARSE_WORKER_FILE, { workerData: layout })
  const inbox: WorkerMessage[] = []
  let failure: Error | null = null
  let wake: (() => void) | null = null
  const nudge = () => wake?.()
  worker.on('message', (message: WorkerMessage) => {
    inbox.push(message)
    nudge()
  })
  worker.on('error', (err) => {
    failure ??= err
    nudge()
  })
  worker.on('exit', (code) => {
    failure ??= new Error(
      `the CSV reader's worker thread stopped (exit code ${code}) before the end of ${layout.display}`,
    )
    nudge()
  })
  signal.addEventListener('abort', nudge)
  try {
    for (;;) {
      signal.throwIfAborted()
      const message = inbox.shift()
      if (!message) {
        if (failure) throw failure
        await new Promise<void>((resolve) => (wake = resolve))
        wake = null
        continue
      }
      if (message.type === 'done') return
      if (message.type === 'error') throw workerError(message)
      yield message.batch
      worker.postMessage('ack')
    }
  } finally {
    signal.removeEventListener('abort', nudge)
    await worker.terminate()
  }
}

function workerError(message: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (message.reason) return new FeedError(message.message, message.reason)
  const error = new Error(message.message)
  if (message.stack) error.stack = message.stack
  return error
}
