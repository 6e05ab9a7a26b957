// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../../engine/chat-engine';
import type { ExchangeTokens, ScriptedScenario } from '../../engine/protocol';
import { kullmInstructionBlock } from '../../generation/kullm';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { BOS_ID } from '../../generation/tokens';
import { connectScriptedEngine } from '../../test/connect-scripted';
import { fakeBrowser } from '../../test/fake-tabs';
import { openStoredChat, waitForState } from '../../test/stored-chat';
import { RecordingEngine } from '../../test/recording-engine';
import type { ChatStore } from '../chat-store';
import type { Conversation } from '../../conversation/conversation';
import { createConversationRepository } from '../persistence/conversation-repository';
import { conversationMigrations, openConversationDatabase, VERSIONS_STORE } from '../persistence/database';
import { LEGACY_RECORD_SCHEMA } from '../../conversation/formats/records';
import { toConversationData } from '../../conversation/formats/conversation-data';

/*
 * What the page sends back on each earlier answer (`ChatTurn.tokens`), watched where the worker receives
 * it: the ids the engine reported for exactly the text sent, or none. The scripted engine reports an id per
 * code point, so the ids of an answer are those of its text as shown.
 */

const artifactsBaseUrl = 'http://localhost/models/';
const quick: ScriptedScenario = { tokenDelayMs: 1, loadMs: 5 };

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

/** One browser: one database and the tabs (or page loads) that open it, each with its own engine. */
function browser(factory = new IDBFactory()) {
  const platform = fakeBrowser();
  const counters = { clock: 1000, ids: 0 };
  async function tab(name: string, scenario: ScriptedScenario = quick) {
    const engine = new RecordingEngine(scenario);
    const connection = connectScriptedEngine(scenario, engine);
    const repository = createConversationRepository({
      factory,
      presence: platform.presence(name),
      channel: platform.channel(),
    });
    const close = () => {
      platform.open.delete(name);
      connection.close();
      repository.close();
    };
    cleanups.push(close);
    const store = await openStoredChat(name, counters, {
      engine: connection.client,
      artifactsBaseUrl,
      repository,
    });
    await store.getState().loadModel();
    return { store, engine, close };
  }
  return { tab, factory };
}

const ready = (store: ChatStore) => waitForState(store, (state) => state.status === 'ready');

async function settled(store: ChatStore, outcome: string) {
  expect(outcome).toBe('sent');
  await ready(store);
  await store.getState().flushSaves();
}

const answered = (store: ChatStore, text: string) => settled(store, store.getState().send(text));

/** Sends a long echo and stops it once some of it is shown; the partial answer is kept. */
async function stoppedEarly(store: ChatStore, send: () => string) {
  expect(send()).toBe('sent');
  await waitForState(store, (state) => (state.messages.at(-1)?.content.length ?? 0) > 6);
  store.getState().stop();
  await ready(store);
  await store.getState().flushSaves();
}

const long = '천천히 흐르는 강물처럼 '.repeat(30);

/** The `tokens` of each assistant turn of a request, in order (undefined: sent without). */
const sentIds = (request: GenerateRequest | undefined) =>
  request?.turns.filter(({ role }) => role === 'assistant').map(({ tokens }) => tokens);

/** What the engine reported for its `index`-th answer. */
function reported(engine: RecordingEngine, index: number): ExchangeTokens {
  const tokens = engine.results[index]?.tokens;
  if (!tokens) throw new Error(`no answer ${index}`);
  return tokens;
}

/** The scripted engine's ids for a text: one per code point. */
const idsOf = (text: string) => Array.from(text, (char) => char.codePointAt(0) ?? 0);

const shownAnswer = (store: ChatStore, depth: number) =>
  store.getState().messages.find((message) => message.role === 'assistant' && message.depth === depth)
    ?.content;

describe('the ids sent back with each earlier answer', () => {
  it('are the ids the engine reported for it, across the worker’s protocol', async () => {
    const { tab } = browser();
    const { store, engine } = await tab('a');
    await answered(store, '/echo 하나');
    await answered(store, '/echo 둘');
    await answered(store, '/echo 셋');
    expect(engine.requests.map(sentIds)).toEqual([
      [],
      [reported(engine, 0)],
      [reported(engine, 0), reported(engine, 1)],
    ]);
    // The first exchange opened its prompt (BOS and the whole text); the second continued it.
    expect(reported(engine, 0).promptIds[0]).toBe(BOS_ID);
    expect(reported(engine, 1)).toEqual({
      promptIds: idsOf(kullmInstructionBlock('/echo 둘')),
      answerIds: idsOf('둘'),
    });
  });

  it('of a stopped answer are those fed and drawn up to Stop', async () => {
    const { tab } = browser();
    const { store, engine } = await tab('a', { tokenDelayMs: 5, loadMs: 5 });
    await stoppedEarly(store, () => store.getState().send(`/echo ${long}`));
    const partial = shownAnswer(store, 0) ?? '';
    expect(partial.length).toBeLessThan(long.length);
    await answered(store, '/echo 다음');
    expect(sentIds(engine.requests[1])).toEqual([
      { promptIds: reported(engine, 0).promptIds, answerIds: idsOf(partial) },
    ]);
  });

  it('of an answer whose turn header was cut are the ids the engine kept, as it reported them', async () => {
    const { tab } = browser();
    const { store, engine } = await tab('a');
    // The real engine reports the ids before the header it cut, which need not be one per character.
    const kept = [32_001, 29_871];
    engine.reportNext = (result) => ({ ...result, tokens: { ...result.tokens, answerIds: kept } });
    await answered(store, '/echo 본문');
    await answered(store, '/echo 다음');
    expect(sentIds(engine.requests[1])).toEqual([
      { promptIds: reported(engine, 0).promptIds, answerIds: kept },
    ]);
  });

  it('are left out when the engine reported ids no request can carry, and the next answer still comes', async () => {
    const { tab } = browser();
    const { store, engine } = await tab('a');
    engine.reportNext = (result) => ({ ...result, tokens: { ...result.tokens, answerIds: [-1, 0.5] } });
    await answered(store, '/echo 하나');
    await answered(store, '/echo 둘');
    expect(sentIds(engine.requests[1])).toEqual([undefined]);
    expect(store.getState().messages.at(-1)).toMatchObject({ content: '둘', status: 'complete' });
  });

  it('after a regenerate: the exchanges above keep theirs, and the new version sends its own', async () => {
    const { tab } = browser();
    const { store, engine } = await tab('a', { tokenDelayMs: 5, loadMs: 5 });
    await answered(store, '/echo 하나');
    await stoppedEarly(store, () => store.getState().send(`/echo ${long}`));
    await settled(store, store.getState().regenerate(1));
    // The regenerated answer is asked from the exchanges above it: the old version is not sent.
    expect(sentIds(engine.requests[2])).toEqual([reported(engine, 0)]);
    expect(reported(engine, 2)).not.toEqual(reported(engine, 1));
    await answered(store, '/echo 셋');
    expect(sentIds(engine.requests[3])).toEqual([reported(engine, 0), reported(engine, 2)]);
    expect(reported(engine, 2).answerIds).toEqual(idsOf(shownAnswer(store, 1) ?? ''));
  });

  it('after an edit: the edited question’s own, and nothing of the branch it replaced', async () => {
    const { tab } = browser();
    const { store, engine } = await tab('a');
    await answered(store, '/echo 하나');
    await answered(store, '/echo 둘');
    await answered(store, '/echo 셋');
    await settled(store, store.getState().editAndResend(1, '/echo 고친 둘'));
    expect(sentIds(engine.requests[3])).toEqual([reported(engine, 0)]);
    await answered(store, '/echo 넷');
    expect(sentIds(engine.requests[4])).toEqual([reported(engine, 0), reported(engine, 3)]);
    expect(reported(engine, 3)).toEqual({
      promptIds: idsOf(kullmInstructionBlock('/echo 고친 둘')),
      answerIds: idsOf('고친 둘'),
    });
  });

  it('after a version switch: the shown version’s own, each with what followed it', async () => {
    const { tab } = browser();
    const { store, engine } = await tab('a', { tokenDelayMs: 5, loadMs: 5 });
    await answered(store, '/echo 하나');
    await stoppedEarly(store, () => store.getState().send(`/echo ${long}`));
    await settled(store, store.getState().regenerate(1));
    await answered(store, '/echo 새 가지에서');
    const [first, stopped, regenerated, onNewBranch] = [0, 1, 2, 3].map((i) => reported(engine, i));

    store.getState().selectVersion(1, 0);
    await answered(store, '/echo 옛 가지에서');
    expect(sentIds(engine.requests[4])).toEqual([first, stopped]);

    store.getState().selectVersion(1, 1);
    await answered(store, '/echo 다시 새 가지에서');
    expect(sentIds(engine.requests[5])).toEqual([first, regenerated, onNewBranch]);
  });

  it('when older turns were left out of the window: all of them, as a reloaded page sends them', async () => {
    const { tab } = browser();
    const question = (n: number) => `/echo ${n}번째 질문에 대한 이 답은 서른 글자쯤 되는 길이입니다`;
    // Room for about two exchanges next to the 220 tokens kept for the answer (half the window).
    const scenario: ScriptedScenario = { ...quick, contextWindow: 2 * 220 };
    const a = await tab('a', scenario);
    for (const n of [1, 2, 3]) await answered(a.store, question(n));
    expect(a.engine.results.map(({ droppedTurns }) => droppedTurns)).toEqual([0, 0, 2]);
    await answered(a.store, question(4));
    const live = a.engine.requests[3];
    expect(sentIds(live)).toEqual([0, 1, 2].map((i) => reported(a.engine, i)));
    a.close();

    // The next page asks the same answer again: the same turns, the same ids.
    const b = await tab('b', scenario);
    await settled(b.store, b.store.getState().regenerate(3));
    expect(b.engine.requests[0]).toEqual(live);
  });

  it('after a reload: the ids drawn before it, read from storage', async () => {
    const { tab, factory } = browser();
    const a = await tab('a');
    await answered(a.store, '/echo 하나');
    await answered(a.store, '/echo 둘');
    a.close();

    const b = await tab('b');
    expect(b.store.getState().messages).toHaveLength(4);
    await answered(b.store, '/echo 셋');
    expect(sentIds(b.engine.requests[0])).toEqual([reported(a.engine, 0), reported(a.engine, 1)]);
    // Stored packed, not as arrays of numbers.
    const db = await openConversationDatabase(factory);
    const records = (await db.getAll(VERSIONS_STORE)) as { tokens?: { answerIds: unknown } }[];
    db.close();
    expect(records.map(({ tokens }) => typeof tokens?.answerIds)).toEqual(['string', 'string', 'string']);
  });

  it('after a reload that cut an answer off: none for that answer', async () => {
    const { tab } = browser();
    const a = await tab('a', { tokenDelayMs: 20, loadMs: 5 });
    await answered(a.store, '/echo 하나');
    a.store.getState().send(`/echo ${long}`);
    await waitForState(a.store, (state) => (state.messages.at(-1)?.content.length ?? 0) > 6);
    a.store.getState().saveAtExit();
    a.close();

    const b = await tab('b');
    expect(b.store.getState().messages.at(-1)).toMatchObject({ status: 'stopped', interrupted: true });
    await answered(b.store, '/echo 셋');
    expect(sentIds(b.engine.requests[0])).toEqual([reported(a.engine, 0), undefined]);
    a.store.getState().stop();
  });

  it('after another tab’s change: those of the conversation as that tab left it', async () => {
    const { tab } = browser();
    const a = await tab('a');
    await answered(a.store, '/echo 하나');
    await answered(a.store, '/echo 둘');
    const b = await tab('b');
    await settled(b.store, b.store.getState().editAndResend(1, '/echo 다른 탭이 고친 둘'));
    // A shows B's version (the newest) without a reload.
    await waitForState(
      a.store,
      (state) => shownAnswer(a.store, 1) === '다른 탭이 고친 둘' && state.status === 'ready',
    );
    await answered(a.store, '/echo 셋');
    expect(sentIds(a.engine.requests[2])).toEqual([reported(a.engine, 0), reported(b.engine, 0)]);
  });
});

describe('the ids of answers kept before ids were', () => {
  it('are none, after the database is brought from version 1; new answers send theirs', async () => {
    const factory = new IDBFactory();
    const old: Conversation = {
      id: 'old',
      title: '옛 대화',
      createdAt: 1,
      updatedAt: 2,
      sampling: MODEL_CARD_SAMPLING,
      first: {
        id: 'e1',
        selected: 0,
        versions: [
          {
            id: 'v1',
            question: '/echo 옛 질문',
            askedAt: 1,
            answer: {
              content: '옛 질문',
              createdAt: 2,
              status: 'complete',
              truncated: false,
              droppedTurns: 0,
              usage: {
                promptTokens: 1,
                completionTokens: 1,
                prefillTokensPerSecond: 0,
                decodeTokensPerSecond: 0,
                timeToFirstTokenMs: 0,
                totalMs: 0,
              },
            },
            next: undefined,
          },
        ],
      },
    };
    const db = await openConversationDatabase(factory, conversationMigrations.slice(0, 1));
    await db.put('conversations', { schema: LEGACY_RECORD_SCHEMA, ...toConversationData(old) });
    db.close();

    const { store, engine } = await browser(factory).tab('a');
    expect(store.getState().current.id).toBe('old');
    await answered(store, '/echo 새 질문');
    await answered(store, '/echo 또 새 질문');
    expect(engine.requests.map(sentIds)).toEqual([[undefined], [undefined, reported(engine, 0)]]);
  });

  it('are none for a conversation imported from a backup, which leaves them out', async () => {
    const first = browser();
    const a = await first.tab('a');
    await answered(a.store, '/echo 하나');
    const file = await a.store.getState().exportBackup({});
    expect(file).not.toContain('promptIds');
    expect(file).not.toContain('tokens');

    const b = await browser().tab('b');
    const imported = await b.store.getState().importBackup(new Blob([file]));
    expect(imported.ok).toBe(true);
    await b.store.getState().openConversation(a.store.getState().current.id);
    await answered(b.store, '/echo 둘');
    await answered(b.store, '/echo 셋');
    expect(b.engine.requests.map(sentIds)).toEqual([[undefined], [undefined, reported(b.engine, 0)]]);
  });
});
