import { type PluginKeyValue, type Store, type ValidatedConfig, noticeDeliveryStates, openStore } from 'circadian'
import type { NoticeStates } from '../notices/delivery.js'
import { AlertStore, PLUGIN_NAMESPACE } from '../state/alert-store.js'

/** The state store's key-value rows of one namespace, seen the way `ctx.kv` shows them to a job. */
export function namespaced(store: Store, namespace: string): PluginKeyValue {
  return {
    get: (key) => store.kv.get(namespace, key),
    set: (key, value) => store.kv.set(namespace, key, value, new Date().toISOString()),
    delete: (key) => store.kv.delete(namespace, key),
    list: (prefix) => store.kv.list(namespace, prefix),
  }
}

/** Opens the config's state store for the alerts' state and silences; `close()` when done. */
export async function openAlertStore(
  config: ValidatedConfig,
  namespace = PLUGIN_NAMESPACE,
): Promise<{ alerts: AlertStore; noticeStates: NoticeStates; close(): Promise<void> }> {
  const store = await openStore(config.state)
  return {
    alerts: new AlertStore(namespaced(store, namespace)),
    noticeStates: (ids) => noticeDeliveryStates(store, ids),
    close: () => store.close(),
  }
}
