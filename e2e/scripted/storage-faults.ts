import type { CDPSession, Page } from '@playwright/test';

/** How IndexedDB writes fail: as a full disk does, or as any other write failure. */
export type WriteFault = 'quota' | 'failure';

/**
 * Makes the page's IndexedDB writes fail on demand (`failWrites`), the way a full disk fails them: the
 * transaction of a write is aborted (when the write's request succeeds, so everything it wrote is rolled back),
 * and its `error` is a `QuotaExceededError`. With `failure`, deletes fail too, with an `UnknownError`. Reads
 * go on. The fault outlives a reload of the tab (it is kept in `sessionStorage`), as a full disk does. Call
 * before the page is opened.
 */
export async function installStorageFaults(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const failed = new WeakMap<IDBTransaction, DOMException>();
    const fault = (): WriteFault | undefined =>
      (sessionStorage.getItem('storage-fault') as WriteFault | null) ?? undefined;
    // The browser's own getter, called on each transaction below.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const errorOf = Object.getOwnPropertyDescriptor(IDBTransaction.prototype, 'error')?.get as
      ((this: IDBTransaction) => DOMException | null) | undefined;
    Object.defineProperty(IDBTransaction.prototype, 'error', {
      configurable: true,
      get(this: IDBTransaction) {
        return failed.get(this) ?? errorOf?.call(this) ?? null;
      },
    });
    // The requests of a failed transaction fail with its error, as a refused commit's do.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const requestErrorOf = Object.getOwnPropertyDescriptor(IDBRequest.prototype, 'error')?.get as
      ((this: IDBRequest) => DOMException | null) | undefined;
    Object.defineProperty(IDBRequest.prototype, 'error', {
      configurable: true,
      get(this: IDBRequest) {
        const own = requestErrorOf?.call(this) ?? null;
        const failure = this.transaction && failed.get(this.transaction);
        return own && failure ? failure : own;
      },
    });
    // Kept unbound on purpose: each is called on the store it was called on (`write.apply(this, …)`).
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const { add, put, delete: remove } = IDBObjectStore.prototype;
    function failing<A extends unknown[]>(
      write: (this: IDBObjectStore, ...args: A) => IDBRequest,
      faults: readonly WriteFault[],
    ) {
      return function (this: IDBObjectStore, ...args: A): IDBRequest {
        const request = write.apply(this, args);
        const kind = fault();
        const { transaction } = this;
        if (kind && faults.includes(kind) && !failed.has(transaction)) {
          failed.set(
            transaction,
            kind === 'quota'
              ? new DOMException('The quota has been exceeded.', 'QuotaExceededError')
              : new DOMException('A write failed.', 'UnknownError'),
          );
          request.addEventListener('success', () => transaction.abort());
        }
        return request;
      };
    }
    IDBObjectStore.prototype.put = failing(put, ['quota', 'failure']);
    IDBObjectStore.prototype.add = failing(add, ['quota', 'failure']);
    IDBObjectStore.prototype.delete = failing(remove, ['failure']);
  });
}

/** From now on, every IndexedDB write of the page fails (see `installStorageFaults`). */
export async function failWrites(page: Page, fault: WriteFault = 'quota'): Promise<void> {
  await page.evaluate((kind) => sessionStorage.setItem('storage-fault', kind), fault);
}

/** Writes succeed again, as after the user freed space. */
export async function allowWrites(page: Page): Promise<void> {
  await page.evaluate(() => sessionStorage.removeItem('storage-fault'));
}

/**
 * The real thing: Chromium's quota for the page's origin set to `bytes` through CDP (undefined: back to the
 * browser's own). Chromium applies it to persistent profiles (`launchPersistentContext`) only, and an origin
 * that has stored something meets it once Chromium reads the quota again (within about 30 s): see `whenFull`.
 */
export async function overrideQuota(page: Page, bytes: number | undefined): Promise<CDPSession> {
  const session = await page.context().newCDPSession(page);
  await session.send('Storage.overrideQuotaForOrigin', {
    origin: new URL(page.url()).origin,
    ...(bytes === undefined ? {} : { quotaSize: bytes }),
  });
  return session;
}

/** Whether a write of a few bytes into a scratch database of the page's origin is refused as over quota. */
export async function storageRefuses(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        const request = indexedDB.open('quota-probe', 1);
        request.onupgradeneeded = () => request.result.createObjectStore('probe');
        request.onerror = () => resolve(request.error?.name === 'QuotaExceededError');
        request.onsuccess = () => {
          const transaction = request.result.transaction('probe', 'readwrite');
          transaction.objectStore('probe').put('x'.repeat(1000), Date.now());
          transaction.oncomplete = () => {
            request.result.close();
            resolve(false);
          };
          transaction.onabort = () => {
            request.result.close();
            resolve(transaction.error?.name === 'QuotaExceededError');
          };
        };
      }),
  );
}

/**
 * Chromium's quota for `origin` set to `bytes` through CDP before the page first opens its storage: then it
 * holds at once, in the ordinary (not persistent) context too, since Chromium reads the quota when the origin
 * starts using storage (`overrideQuota` above, set later, waits for the next read). A write past it fails at
 * commit with `QuotaExceededError`. Returns the session, as `overrideQuota` does.
 */
export async function quotaFromTheStart(page: Page, origin: string, bytes: number): Promise<CDPSession> {
  const session = await page.context().newCDPSession(page);
  await session.send('Storage.overrideQuotaForOrigin', { origin: new URL(origin).origin, quotaSize: bytes });
  return session;
}
