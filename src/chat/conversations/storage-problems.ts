import { ConversationRepositoryError } from '../persistence/conversation-repository';
import type { StorageFailure, StorageProblem } from '../types';

/** Why storage refused, as the user is told it. */
export function storageFailureOf(error: unknown): StorageFailure {
  if (error instanceof ConversationRepositoryError) {
    if (error.code === 'quota-exceeded') return 'full';
    if (error.code === 'newer-version') return 'newer-version';
    return 'failed';
  }
  return error instanceof DOMException && error.name === 'QuotaExceededError' ? 'full' : 'failed';
}

function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function notSaved(error: unknown): StorageProblem {
  return { kind: 'not-saved', failure: storageFailureOf(error), detail: detailOf(error) };
}

export function notDeleted(error: unknown, id: string): StorageProblem {
  return { kind: 'not-deleted', failure: storageFailureOf(error), detail: detailOf(error), id };
}

export function notRead(error: unknown): StorageProblem {
  return { kind: 'not-read', failure: storageFailureOf(error), detail: detailOf(error) };
}

/**
 * Runs a read or a write whose failure is told as `problem`; its result, or undefined when it failed. The
 * failure is the user's news: nothing else is done with it.
 */
export async function told<T>(
  work: Promise<T> | undefined,
  tell: (problem: StorageProblem) => void,
  problem: (error: unknown) => StorageProblem,
): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    tell(problem(error));
    return undefined;
  }
}
