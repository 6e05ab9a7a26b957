import type { SharedLinkResult } from '../conversation/formats/shared-link';

/** How long a link may take to read before it is refused: a real one takes a few hundred milliseconds at most. */
export const SHARED_LINK_TIME_LIMIT_MS = 5000;

/** The parts of a worker the decoder uses, so tests can stand in for one. */
export interface LinkWorker {
  postMessage(hash: string): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<SharedLinkResult>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
}

const refused = (detail: string): SharedLinkResult => ({ kind: 'invalid', problem: 'too-large', detail });

/** Reads the link on the page's thread (no workers): its reader is a chunk, which the page a link opens on lacks. */
const decodeHere = (hash: string): Promise<SharedLinkResult> =>
  import('../conversation/formats/shared-link')
    .then((module) => module.decodeSharedConversation(hash))
    .catch((error: unknown) => ({
      kind: 'invalid',
      problem: 'corrupt',
      detail: error instanceof Error ? error.message : String(error),
    }));

/**
 * Reads a shared link (a location's hash) in a worker of its own, which is ended as soon as it answers, or when
 * it takes longer than `limitMs` (its memory goes with it). The page's thread only hands the text over and takes
 * the checked conversation back: a crafted link (a deflate bomb, megabytes of noise) costs it nothing. Without
 * workers, the link is read here. Never rejects: a link that cannot be read is an invalid one.
 */
export function decodeSharedLinkOffThread(
  hash: string,
  spawn: (() => LinkWorker) | undefined = typeof Worker === 'undefined' ? undefined : spawnLinkWorker,
  limitMs = SHARED_LINK_TIME_LIMIT_MS,
): Promise<SharedLinkResult> {
  if (!spawn) return decodeHere(hash);
  return new Promise((resolve) => {
    const worker = spawn();
    const done = (result: SharedLinkResult): void => {
      clearTimeout(timer);
      worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () => done(refused(`reading the link took longer than ${limitMs} ms, so it was stopped`)),
      limitMs,
    );
    worker.addEventListener('message', (event) => done(event.data));
    // The worker could not start or crashed (out of memory on a crafted link): nothing of it is shown.
    worker.addEventListener('error', () => done(refused('the link could not be read: its reader stopped')));
    worker.postMessage(hash);
  });
}

function spawnLinkWorker(): LinkWorker {
  return new Worker(new URL('./shared-link-worker.ts', import.meta.url), {
    type: 'module',
    name: 'shared-link',
  });
}
