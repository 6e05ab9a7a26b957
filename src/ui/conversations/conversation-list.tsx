import { memo, useEffect, useId, useState } from 'react';
import type { ConversationSummary, SearchHit } from '../../chat/chat-store';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { BackupControls } from './backup-controls';

/**
 * One entry of the list. An entry whose summary is the same object is not rendered again: while an answer
 * streams, each save puts one summary in the list anew, and the other 49 (each formatting its date) stay.
 */
const ConversationItem = memo(function ConversationItem({
  summary,
  onOpen,
}: {
  summary: ConversationSummary | SearchHit;
  onOpen: () => void;
}) {
  const { t, formatDate } = useI18n();
  // Whether this entry is the open one, not which one is: opening another renders the two entries that
  // change, not all of them.
  const current = useChat((state) => state.current.id === summary.id);
  const openConversation = useChat((state) => state.openConversation);
  const renameConversation = useChat((state) => state.renameConversation);
  const deleteConversation = useChat((state) => state.deleteConversation);
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(summary.title);
  const inputId = useId();
  const shownTitle = summary.title || t('conversations.untitled');
  const date = formatDate(summary.updatedAt, { month: 'short', day: 'numeric' });

  if (renaming) {
    return (
      <li>
        <form
          className="flex gap-1 px-2 py-1"
          onSubmit={(event) => {
            event.preventDefault();
            void renameConversation(summary.id, title);
            setRenaming(false);
          }}
        >
          <label htmlFor={inputId} className="sr-only">
            {t('conversations.renameLabel')}
          </label>
          <input
            id={inputId}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setRenaming(false);
            }}
            className="min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-2 py-1 text-sm dark:border-stone-700 dark:bg-stone-900"
          />
          <Button variant="ghost" tone="faint" size="xs" type="submit">
            {t('conversations.save')}
          </Button>
        </form>
      </li>
    );
  }

  return (
    <li
      className={`group rounded-xl [contain-intrinsic-size:auto_5rem] [content-visibility:auto] ${current ? 'bg-teal-50 dark:bg-teal-950' : ''}`}
    >
      <Button
        variant="plain"
        aria-current={current ? 'true' : undefined}
        onClick={() => {
          void openConversation(summary.id);
          onOpen();
        }}
        className="block w-full rounded-xl px-3 pt-2 pb-1 text-left"
      >
        <span className="block truncate text-sm font-medium">{shownTitle}</span>
        <span className="block truncate text-xs text-stone-600 dark:text-stone-400">
          {'snippet' in summary ? summary.snippet : date}
        </span>
      </Button>
      <div className="flex gap-1 px-2 pb-1">
        <Button
          variant="ghost"
          tone="faint"
          size="xs"
          aria-label={t('conversations.rename', { title: shownTitle })}
          onClick={() => {
            setTitle(summary.title);
            setRenaming(true);
          }}
        >
          {t('conversations.renameShort')}
        </Button>
        <Button
          variant="ghost"
          tone="faint"
          size="xs"
          aria-label={t('conversations.delete', { title: shownTitle })}
          onClick={() => void deleteConversation(summary.id)}
        >
          {t('conversations.deleteShort')}
        </Button>
      </div>
    </li>
  );
});

/** The undo offer after a delete, for a few seconds. */
function UndoDelete() {
  const { t } = useI18n();
  const deleted = useChat((state) => state.deleted);
  const undoDelete = useChat((state) => state.undoDelete);
  const [dismissed, setDismissed] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!deleted) return;
    const timer = setTimeout(() => setDismissed(deleted.id), 10_000);
    return () => clearTimeout(timer);
  }, [deleted]);
  const visible = deleted !== undefined && dismissed !== deleted.id;
  return (
    <div role="status" className="min-h-0">
      {visible && (
        <p className="m-2 flex items-center justify-between gap-2 rounded-xl bg-stone-800 px-3 py-2 text-sm text-white dark:bg-stone-200 dark:text-stone-900">
          <span className="truncate">
            {t('conversations.deleted', { title: deleted.title || t('conversations.untitled') })}
          </span>
          <button
            type="button"
            onClick={() => void undoDelete()}
            className="shrink-0 rounded-lg px-2 py-1 font-semibold underline focus-visible:ring-2 focus-visible:ring-teal-400 focus-visible:outline-none"
          >
            {t('conversations.undo')}
          </button>
        </p>
      )}
    </div>
  );
}

/** Conversations this version cannot read: never deleted, so the user is told they are there, and why. */
function UnreadableNote() {
  const { t } = useI18n();
  const count = useChat((state) => state.unreadable.length);
  if (count === 0) return null;
  return (
    <div
      role="note"
      className="mx-1 rounded-xl bg-amber-50 px-3 py-2 text-amber-900 dark:bg-amber-950 dark:text-amber-200"
    >
      <p className="text-sm font-medium">{t('conversations.unreadable', { count })}</p>
      <p className="text-xs">{t('conversations.unreadableWhy')}</p>
    </div>
  );
}

/** How many entries the list shows at first, and adds each time more are asked for. */
const PAGE = 50;

/** New conversation, search, and the saved conversations, newest first. */
/** What opening an entry does besides opening it, where nothing else is to be done (the list is no drawer). */
const stayHere = (): void => undefined;

export function ConversationList({ onNavigate = stayHere }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const conversations = useChat((state) => state.conversations);
  const searchResults = useChat((state) => state.searchResults);
  const searchMore = useChat((state) => state.searchMore);
  const newConversation = useChat((state) => state.newConversation);
  const searchConversations = useChat((state) => state.searchConversations);
  const [query, setQuery] = useState('');
  // A thousand entries would take the page a long time to lay out at every change of the list.
  const [limit, setLimit] = useState(PAGE);
  const searchId = useId();
  const shown = searchResults ?? conversations;
  return (
    <nav aria-label={t('conversations.title')} className="flex h-full min-h-0 flex-col gap-2 p-3">
      <Button
        variant="primary"
        size="lg"
        onClick={() => {
          newConversation();
          onNavigate();
        }}
      >
        {t('conversations.new')}
      </Button>
      <label htmlFor={searchId} className="sr-only">
        {t('conversations.search')}
      </label>
      <input
        id={searchId}
        type="search"
        value={query}
        placeholder={t('conversations.search')}
        onChange={(event) => {
          setQuery(event.target.value);
          void searchConversations(event.target.value);
        }}
        className="rounded-xl border border-stone-300 bg-white px-3 py-2 text-sm focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-stone-700 dark:bg-stone-900"
      />
      {shown.length === 0 ? (
        <p className="px-2 text-sm text-stone-600 dark:text-stone-400">
          {searchResults ? t('conversations.noResults') : t('conversations.empty')}
        </p>
      ) : (
        <ul className="min-h-0 flex-1 space-y-1 overflow-y-auto" aria-label={t('conversations.title')}>
          {shown.slice(0, limit).map((summary) => (
            <ConversationItem key={summary.id} summary={summary} onOpen={onNavigate} />
          ))}
          {shown.length > limit && (
            <li>
              <Button
                variant="ghost"
                onClick={() => setLimit((current) => current + PAGE)}
                className="w-full rounded-xl px-3 py-2 text-sm text-teal-800 dark:text-teal-300"
              >
                {t('conversations.showMore', { count: Math.min(PAGE, shown.length - limit) })}
              </Button>
            </li>
          )}
        </ul>
      )}
      {searchResults && searchMore && (
        <p className="px-2 text-xs text-stone-600 dark:text-stone-400">
          {t('conversations.more', { count: searchResults.length })}
        </p>
      )}
      <UnreadableNote />
      <UndoDelete />
      <BackupControls />
    </nav>
  );
}
