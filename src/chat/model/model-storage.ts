import type { ModelSlice, StorageAccess } from './model-state';
import type { StorageFacts } from './preflight';
import type { StoreAccess } from '../store-access';

/** What the browser says of its storage: room, use, and whether it promised to keep the model. */
export async function readStorage(storage: StorageAccess | undefined): Promise<StorageFacts> {
  if (!storage) return {};
  const noEstimate: { quota?: number; usage?: number } = {};
  const [estimate, persisted] = await Promise.all([
    storage.estimate().catch(() => noEstimate),
    storage.persisted().catch(() => undefined), // Unknown: shown as not promised, which is what the browser did.
  ]);
  return {
    ...(estimate.quota === undefined ? {} : { quotaBytes: estimate.quota }),
    ...(estimate.usage === undefined ? {} : { usageBytes: estimate.usage }),
    ...(persisted === undefined ? {} : { persisted }),
  };
}

/**
 * Asks the browser, once, to keep the model's files: before the download, so it does not evict gigabytes of
 * weights under pressure. A browser that cannot say is `unsupported`.
 */
export async function askToPersist(
  storage: StorageAccess | undefined,
  { get, set }: StoreAccess<Pick<ModelSlice, 'persistence'>>,
): Promise<void> {
  if (!storage || get().persistence !== 'unknown') return;
  const granted = await storage.persist().catch(() => undefined); // A browser that cannot say: shown as unsupported.
  set({ persistence: granted === undefined ? 'unsupported' : granted ? 'granted' : 'denied' });
}
