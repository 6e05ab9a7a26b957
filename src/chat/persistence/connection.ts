import {
  ConversationRepositoryError,
  describeError,
  openConversationDatabase,
  type Database,
  type Migration,
} from './database';

/**
 * The repository's connection to its database: opened on first use and again after it closed (another tab's upgrade,
 * or the browser), with the errors of its transactions told apart.
 */
export interface Connection {
  /** Runs `work` on the open database; a failure is `read-failed` (or `quota-exceeded`). */
  readonly reading: <T>(work: (db: Database) => Promise<T>) => Promise<T>;
  /** Runs `work` on the open database; a failure is `write-failed` (or `quota-exceeded`). */
  readonly writing: <T>(work: (db: Database) => Promise<T>) => Promise<T>;
  /** The open database, for writes that must start before the page goes: there is no turn to wait for it. */
  readonly opened: () => Database | undefined;
  readonly close: () => void;
}

function transactionError(error: unknown, mode: IDBTransactionMode): ConversationRepositoryError {
  if (error instanceof ConversationRepositoryError) return error;
  const code =
    error instanceof DOMException && error.name === 'QuotaExceededError'
      ? 'quota-exceeded'
      : mode === 'readonly'
        ? 'read-failed'
        : 'write-failed';
  return new ConversationRepositoryError(code, describeError(error), { cause: error });
}

export function createConnection(
  factory: IDBFactory,
  migrations: readonly Migration[],
  /** Runs once each time the database is opened, before any work. */
  onOpened: (db: Database) => Promise<void>,
  /** Told when the database was deleted under this connection; the next work opens a new, empty one. */
  onDeleted: () => void = () => undefined,
): Connection {
  let connection: Promise<Database> | undefined;
  let opened: Database | undefined;

  function database(): Promise<Database> {
    connection ??= openConversationDatabase(factory, migrations, {
      // Closed for another tab's upgrade or by the browser: the next call opens again (or says why it can't).
      onClose: () => {
        connection = undefined;
        opened = undefined;
      },
      onDeleted,
    }).then(
      async (db) => {
        opened = db;
        await onOpened(db);
        return db;
      },
      (error: unknown) => {
        connection = undefined;
        throw error;
      },
    );
    return connection;
  }

  async function run<T>(work: (db: Database) => Promise<T>, mode: IDBTransactionMode): Promise<T> {
    const db = await database();
    try {
      return await work(db);
    } catch (error) {
      throw transactionError(error, mode);
    }
  }

  return {
    reading: (work) => run(work, 'readonly'),
    writing: (work) => run(work, 'readwrite'),
    opened: () => opened,
    close() {
      // A connection that failed to open has nothing to close (its failure was told to the work that asked).
      void connection?.then((db) => db.close()).catch(() => undefined); // Never opened: nothing to close.
      connection = undefined;
      opened = undefined;
    },
  };
}
