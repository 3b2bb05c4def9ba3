import os from 'node:os'
import type { ValidatedConfig } from '../config/model.js'
import { type CancelResult, cancelReasonText, requestCancel } from '../run/cancel-request.js'
import { openStore } from '../state/store.js'

function requester(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}

/** `circadian cancel`: asks, then waits up to `waitMs` for the runs to stop. */
export async function cancelFromCli(
  config: ValidatedConfig,
  target: string,
  reason: string | undefined,
  waitMs: number,
): Promise<CancelResult> {
  const store = await openStore(config.state)
  try {
    return await requestCancel(store, target, `cli:${requester()}`, cancelReasonText(reason), waitMs)
  } finally {
    await store.close()
  }
}
