import type { Conversation } from '../../conversation/conversation';
import { versionsWithPlaces } from '../../conversation/formats/records';
import type { Connection } from './connection';
import { deleteWhole, EVERY_STORE } from './database';
import { noteDeleteAtExit, type ExitStorage } from './exit-writes';
import type { ChangeBroadcast } from './repository-broadcast';
import type { RepositorySearch } from './repository-search';

/** What deleting needs of the repository: the database, and whom to tell what was deleted. */
export interface DeleteContext {
  readonly connection: Connection;
  readonly exitStorage: ExitStorage | undefined;
  readonly search: Pick<RepositorySearch, 'deleted'>;
  readonly broadcast: Pick<ChangeBroadcast, 'tell'>;
}

/** Forgets what search keeps of a conversation that was deleted, and tells the other tabs. */
export function deleted(
  { search, broadcast }: Pick<DeleteContext, 'search' | 'broadcast'>,
  id: string,
): void {
  search.deleted(id);
  broadcast.tell({ kind: 'deleted', id });
}

/** Deletes a conversation's records from every store. */
export async function deleteConversation(context: DeleteContext, id: string): Promise<void> {
  await context.connection.writing(async (db) => {
    const transaction = db.transaction(EVERY_STORE, 'readwrite');
    deleteWhole(transaction, id);
    await transaction.done;
  });
  deleted(context, id);
}

/**
 * As `deleteConversation`, started before returning, for a page being hidden or closed. It is noted in
 * localStorage too: what the page has no time to finish, the next page to open the database does, unless the
 * conversation has gained versions since `previous` (the conversation as this tab last read or saved it).
 */
export function deleteAtExit(context: DeleteContext, id: string, previous: Conversation): void {
  noteDeleteAtExit(
    context.exitStorage,
    id,
    versionsWithPlaces(previous).map(({ version }) => version.id),
  );
  const db = context.connection.opened();
  if (!db) return;
  try {
    const transaction = db.transaction(EVERY_STORE, 'readwrite');
    deleteWhole(transaction, id);
    transaction.commit();
    transaction.done.then(
      () => deleted(context, id),
      () => undefined,
    );
  } catch {
    // The connection is closing with the page: the next page carries the delete out.
  }
}
