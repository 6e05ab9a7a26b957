import type { StateCreator } from 'zustand/vanilla';
import type { ChatEngine } from '../../engine/chat-engine';
import { createConversationSync } from './conversation-sync';
import { paced, type Schedule } from '../answers/paced-text';
import { createConversationAnswers } from './conversation-answers';
import { backupActions } from './conversation-backup';
import { createConversationLibrary } from './conversation-library';
import { createConversationList } from './conversation-list';
import { samplingActions } from './conversation-sampling';
import { createConversationSearch } from './conversation-search';
import type { ConversationSlice, ModelEffects, SharedViewEffects } from './conversation-state';
import { createCurrentConversation } from './current-conversation';
import { createCurrentRefresh, followOtherTabs } from './other-tabs';
import type { ConversationRepository } from '../persistence/repository-types';
import type { StorageProblem } from '../types';
import { notRead, notSaved, told } from './storage-problems';

export { titleFrom } from '../answers/answer-request';
export type {
  ConversationSlice,
  ImportError,
  ImportErrorCode,
  ImportOutcome,
  ModelEffects,
  SharedViewEffects,
} from './conversation-state';
export type { ConversationSummary, UnreadableSummary } from '../persistence/schemas';
export type { SearchHit } from '../persistence/search-index';

export type { ConversationRepository, ImportReport } from '../persistence/repository-types';

export interface ConversationSliceDependencies {
  readonly engine: ChatEngine;
  readonly repository?: ConversationRepository;
  readonly now: () => number;
  readonly newId: () => string;
  readonly model: ModelEffects;
  readonly sharedView: SharedViewEffects;
  /** How often a streaming answer is saved; a crash loses at most about this much of it. */
  readonly saveEveryMs?: number;
  readonly schedule?: Schedule;
}

/**
 * The user's conversations: the one on screen and its answers, the stored ones, their search and backup, and
 * what other tabs change. Each part is its own module; this wires them together.
 */
export function createConversationSlice({
  engine,
  repository,
  now,
  newId,
  model,
  sharedView,
  saveEveryMs = 500,
  schedule = paced(),
}: ConversationSliceDependencies): StateCreator<ConversationSlice> {
  return (set, get) => {
    const tell = (storageProblem: StorageProblem): void => set({ storageProblem });
    const list = createConversationList({ set, repository, tell });
    const sync =
      repository &&
      createConversationSync({
        repository,
        intervalMs: saveEveryMs,
        onSaved: list.listed,
        onRemoved: list.unlisted,
        onDeletedElsewhere: (id) => {
          list.unlisted(id);
          if (get().current.id === id) library.closeCurrent();
        },
        onError: (error) => tell(notSaved(error)),
        onRecovered: () => {
          if (get().storageProblem?.kind === 'not-saved') set({ storageProblem: undefined });
        },
      });
    const shown = createCurrentConversation({ get, set, now, newId, sync });
    const { change } = shown;
    const answers = createConversationAnswers({
      get,
      set,
      engine,
      now,
      newId,
      schedule,
      model,
      shown,
      read: (id) => told(sync?.read(id), tell, notRead),
    });
    const { generation } = answers;
    const library = createConversationLibrary({
      get,
      set,
      repository,
      sync,
      shown,
      list,
      answers,
      sharedView,
      tell,
    });
    const search = createConversationSearch({ set, repository, tell });
    const current = () => get().current;
    const refreshCurrent = createCurrentRefresh({ current, repository, sync, shown, generation });
    followOtherTabs(repository, {
      current,
      sync,
      refreshList: list.refresh,
      searchAgain: search.searchAgain,
      refreshCurrent,
      closeCurrent: library.closeCurrent,
      saveCurrent: shown.saveSoon,
      cleared: () => tell({ kind: 'cleared' }),
      savedElsewhere: answers.savedElsewhere,
    });

    const initial = shown.blank();
    return {
      conversations: [],
      unreadable: [],
      current: initial,
      messages: [],
      status: 'ready',
      sampling: initial.sampling,
      draft: '',
      notice: undefined,
      storageProblem: undefined,
      deleted: undefined,
      searchResults: undefined,
      searchMore: false,

      async retryStorage() {
        const problem = get().storageProblem;
        if (!problem) return;
        if (problem.kind === 'not-deleted') return library.actions.deleteConversation(problem.id);
        if (problem.kind === 'not-read') {
          set({ storageProblem: undefined });
          return library.actions.restore();
        }
        if (problem.kind === 'cleared') {
          set({ storageProblem: undefined });
          return;
        }
        // A failure is told again by the sync; success clears the problem (`onRecovered`).
        await sync?.written();
      },

      dismissStorageProblem: () => set({ storageProblem: undefined }),

      async flushSaves() {
        generation.flushText();
        await sync?.written();
      },

      saveAtExit() {
        generation.flushText();
        sync?.saveAtExit(get().current);
      },

      ...answers.actions,
      ...samplingActions(change),
      ...library.actions,
      searchConversations: search.searchConversations,
      ...backupActions({
        repository,
        sync,
        now,
        current,
        saveNow: shown.saveNow,
        imported: async () => {
          await list.refresh();
          await refreshCurrent();
        },
      }),
    };
  };
}
