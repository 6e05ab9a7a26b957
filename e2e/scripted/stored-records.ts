import type { Page } from '@playwright/test';

/**
 * Writes records straight into the app's IndexedDB, as another version of the app (or damage) would have left
 * them: `records` maps a store's name to the records put into it, in one transaction.
 */
export async function putStoredRecords(
  page: Page,
  records: Record<string, readonly unknown[]>,
): Promise<void> {
  await page.evaluate(async (byStore) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hangul-llama');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
    const transaction = db.transaction(Object.keys(byStore), 'readwrite');
    for (const [store, values] of Object.entries(byStore)) {
      for (const value of values) transaction.objectStore(store).put(value);
    }
    await new Promise((resolve) => (transaction.oncomplete = resolve));
    db.close();
  }, records);
}

/** Every record of one of the app's IndexedDB stores, as stored. */
export async function readStoredRecords(page: Page, store: string): Promise<unknown[]> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hangul-llama');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
    const request = db.transaction(name).objectStore(name).getAll();
    const records = await new Promise<unknown[]>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result as unknown[]);
      request.onerror = () => reject(request.error ?? new Error('read failed'));
    });
    db.close();
    return records;
  }, store);
}
