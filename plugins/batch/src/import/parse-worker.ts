// A worker thread that reads, validates and converts one feed file while the main thread writes the rows
// (see convert-in-worker.ts). Batches go out as structured clones; at most MAX_IN_FLIGHT wait unacknowledged,
// so a slow database holds the reading back and memory stays flat.
import { parentPort, workerData } from 'node:worker_threads'
import { convertFile, type FeedLayout } from './convert-records.js'
import { FeedError } from './feed-error.js'
import { type WorkerMessage, MAX_IN_FLIGHT, RECORDS_PER_MESSAGE } from './worker-protocol.js'

const port = parentPort!
let credits = MAX_IN_FLIGHT
let wake: (() => void) | null = null
port.on('message', () => {
  credits++
  wake?.()
})

const post = (message: WorkerMessage) => port.postMessage(message)

try {
  for await (const batch of convertFile(workerData as FeedLayout, new AbortController().signal, RECORDS_PER_MESSAGE)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve))
    credits--
    post({ type: 'batch', batch })
  }
  post({ type: 'done' })
} catch (err) {
  const error = err instanceof Error ? err : new Error(String(err))
  post({
    type: 'error',
    message: error.message,
    stack: error.stack,
    reason: error instanceof FeedError ? error.reason : undefined,
  })
}
