import { beforeAll, describe, expect, it } from 'vitest';
import { formatKullmPrompt, kullmInstructionBlock, type KullmTurn } from '../../generation/kullm';
import { ModelCardSampler } from '../../generation/model-card-sampler';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { encodeContinuation } from '../../generation/prompt-ids';
import { EOS_ID, promptTokenIds } from '../../generation/tokens';
import { byteTokenizer } from '../../test/byte-tokenizer';
import { loadMiniTokenizer, miniTokenId } from '../../test/mini-tokenizer';
import type { ChatTurn } from '../protocol';
import type { HfTokenizer } from './hf-tokenizer';
import { KullmSession, type TokenModel } from './kullm-session';

/** The GPU edge: records what it is fed and answers with scripted tokens. */
function fakeModel(answers: string[]) {
  const calls: { ids: number[]; prefill: boolean }[] = [];
  let resets = 0;
  let queue: number[] = [];
  const model: TokenModel = {
    forwardTokensAndSample: (ids, prefill) => {
      calls.push({ ids: [...ids], prefill });
      if (prefill) queue = [...byteTokenizer.encode(answers.shift() ?? ''), EOS_ID];
      return Promise.resolve(queue.shift() ?? EOS_ID);
    },
    forwardTokens: (ids) => {
      calls.push({ ids: [...ids], prefill: true });
      return Promise.resolve();
    },
    resetChat: () => {
      resets += 1;
      return Promise.resolve();
    },
  };
  return { model, calls, resets: () => resets };
}

const window4k = { contextWindow: 4096, prefillChunkSize: 1024 };

const ask = (turns: KullmTurn[], params = MODEL_CARD_SAMPLING) => ({ turns, params });

async function run(session: KullmSession, turns: KullmTurn[], params = MODEL_CARD_SAMPLING) {
  const pieces: string[] = [];
  const result = await session.generate(ask(turns, params), { onDelta: (text) => pieces.push(text) });
  return { text: pieces.join(''), result };
}

describe('KullmSession', () => {
  it('feeds BOS and one encoding of the whole kullm prompt, and streams only the answer', async () => {
    const { model, calls } = fakeModel([' 안녕하세요!']);
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), window4k);
    const turns: KullmTurn[] = [{ role: 'user', content: '인사해 줘' }];
    const { text, result } = await run(session, turns);
    expect(calls[0]).toEqual({ ids: promptTokenIds(byteTokenizer, formatKullmPrompt(turns)), prefill: true });
    expect(calls[0]?.ids[0]).toBe(1);
    expect(text).toBe(' 안녕하세요!');
    expect(text).not.toContain('### 응답');
    expect(result).toMatchObject({ finishReason: 'stop', droppedTurns: 0 });
    expect(result.usage.completionTokens).toBe(byteTokenizer.encode(' 안녕하세요!').length);
    // Each answer token but the last is fed back one at a time.
    expect(calls.slice(1).every((call) => !call.prefill && call.ids.length === 1)).toBe(true);
  });

  it('ends an answer where the window is full, however long its length limit', async () => {
    const { model, calls } = fakeModel(['가'.repeat(200)]);
    const turns: KullmTurn[] = [{ role: 'user', content: '길게' }];
    const promptLength = promptTokenIds(byteTokenizer, formatKullmPrompt(turns)).length;
    // A small window with the model card's 1,024-token answers: half of it is kept for the answer.
    const window = { contextWindow: 2 * promptLength + 100, prefillChunkSize: 1024 };
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), window);
    const { result } = await run(session, turns);
    expect(result.finishReason).toBe('length');
    expect(result.usage.completionTokens).toBe(window.contextWindow - promptLength);
    // What the KV cache was fed never exceeds the window.
    expect(calls.flatMap((call) => call.ids).length).toBeLessThan(window.contextWindow);
  });

  it('continues a conversation from the KV cache, feeding only the new ids, the same ids a rebuild feeds', async () => {
    const { model, calls, resets } = fakeModel([' 첫 답', ' 둘째 답']);
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), window4k);
    const first = await run(session, [{ role: 'user', content: '하나' }]);
    const turns: KullmTurn[] = [
      { role: 'user', content: '하나' },
      { role: 'assistant', content: first.text },
      { role: 'user', content: '둘' },
    ];
    const before = calls.length;
    await run(session, turns);
    const full = promptTokenIds(byteTokenizer, formatKullmPrompt(turns));
    const fedSoFar = calls.slice(0, before).flatMap((call) => call.ids);
    expect(resets()).toBe(1);
    expect(calls[before]).toEqual({ ids: full.slice(fedSoFar.length), prefill: true });
    expect([...fedSoFar, ...(calls[before]?.ids ?? [])]).toEqual(full);
  });

  it('rebuilds the cache when the conversation changed (an edit), from one encoding of the new text', async () => {
    const { model, calls, resets } = fakeModel([' 답', ' 새 답']);
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), window4k);
    await run(session, [{ role: 'user', content: '원래 질문' }]);
    const edited: KullmTurn[] = [{ role: 'user', content: '고친 질문' }];
    const before = calls.length;
    await run(session, edited);
    expect(resets()).toBe(2);
    expect(calls[before]).toEqual({
      ids: promptTokenIds(byteTokenizer, formatKullmPrompt(edited)),
      prefill: true,
    });
  });

  it('stops at max new tokens, and at an abort', async () => {
    const { model } = fakeModel([' 아주 긴 답변입니다', ' 또 다른 긴 답변']);
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), window4k);
    const limited = await run(session, [{ role: 'user', content: '길게' }], {
      ...MODEL_CARD_SAMPLING,
      maxNewTokens: 4,
    });
    expect(limited.result).toMatchObject({ finishReason: 'length', usage: { completionTokens: 4 } });
    expect(limited.text).toBe(' 아');

    const controller = new AbortController();
    const pieces: string[] = [];
    const result = await session.generate(ask([{ role: 'user', content: '또' }]), {
      signal: controller.signal,
      onDelta: (text) => {
        pieces.push(text);
        controller.abort();
      },
    });
    expect(result.finishReason).toBe('aborted');
    // The leading space is held until the first syllable shows it does not begin a turn header.
    expect(pieces.join('')).toBe(' 또');
  });

  it('leaves out the oldest turns to fit the window and says how many', async () => {
    const { model, calls } = fakeModel([' 네']);
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), {
      ...window4k,
      contextWindow: 1200,
    });
    const turns: KullmTurn[] = [
      { role: 'user', content: '가'.repeat(100) },
      { role: 'assistant', content: '나'.repeat(100) },
      { role: 'user', content: '지금 질문' },
    ];
    const { result } = await run(session, turns, { ...MODEL_CARD_SAMPLING, maxNewTokens: 800 });
    expect(result.droppedTurns).toBe(2);
    expect(calls[0]?.ids).toEqual(promptTokenIds(byteTokenizer, formatKullmPrompt(turns.slice(2))));
  });

  it('refuses a message too long for the window with a typed error, feeding nothing', async () => {
    const { model, calls } = fakeModel([]);
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), window4k);
    await expect(run(session, [{ role: 'user', content: '긴'.repeat(2000) }])).rejects.toMatchObject({
      code: 'context-window-exceeded',
    });
    expect(calls).toEqual([]);
  });
});

describe('KullmSession with a Llama-style tokenizer.json (the Hugging Face tokenizer, as in the worker)', () => {
  it('feeds the first turn as BOS plus one encoding of the whole prompt, with no extra ▁ at the seams', async () => {
    const tokenizer = await loadMiniTokenizer();
    const calls: number[][] = [];
    const model: TokenModel = {
      forwardTokensAndSample: (ids) => {
        calls.push([...ids]);
        return Promise.resolve(EOS_ID);
      },
      forwardTokens: () => Promise.reject(new Error('the prompt fits one chunk')),
      resetChat: () => Promise.resolve(),
    };
    const session = new KullmSession(model, tokenizer, new ModelCardSampler(), window4k);
    const turns: KullmTurn[] = [{ role: 'user', content: '안녕하세요' }];
    await session.generate(ask(turns), { onDelta: () => undefined });
    const prompt = formatKullmPrompt(turns);
    expect(calls[0]).toEqual([1, ...tokenizer.encode(prompt)]);
    expect(calls[0]?.filter((id) => id === 1)).toHaveLength(1);
    expect(calls[0]?.includes(miniTokenId('▁'))).toBe(false);
  });

  it('streams a syllable split over byte tokens only once it is whole', async () => {
    const tokenizer = await loadMiniTokenizer();
    const answer = tokenizer.encode('안녕 뷁');
    let step = 0;
    const model: TokenModel = {
      forwardTokensAndSample: () => Promise.resolve(answer[step++] ?? EOS_ID),
      forwardTokens: () => Promise.reject(new Error('the prompt fits one chunk')),
      resetChat: () => Promise.resolve(),
    };
    const session = new KullmSession(model, tokenizer, new ModelCardSampler(), window4k);
    const pieces: string[] = [];
    await session.generate(ask([{ role: 'user', content: '인사' }]), {
      onDelta: (text) => pieces.push(text),
    });
    expect(pieces.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
    expect(pieces.join('')).toBe(' 안녕 뷁');
  });
});

describe('KullmSession: the model starting a turn of its own', () => {
  /** The GPU edge with a KV cache: what it holds, and the answer ids it plays back after each prompt. */
  function cachedModel(answers: number[][]) {
    const kv: number[] = [];
    const prompts: number[][] = [];
    let queue: number[] = [];
    const model: TokenModel = {
      forwardTokensAndSample: (ids, prefill) => {
        kv.push(...ids);
        if (prefill) {
          prompts.push([...kv]);
          queue = [...(answers.shift() ?? [])];
        }
        return Promise.resolve(queue.shift() ?? EOS_ID);
      },
      forwardTokens: (ids) => {
        kv.push(...ids);
        return Promise.resolve();
      },
      resetChat: () => {
        kv.length = 0;
        return Promise.resolve();
      },
    };
    return { model, kv, prompts };
  }

  it('stops where `### 명령어:` begins across tokens, never shows it, and the next prompt sees exactly its ids', async () => {
    const tokenizer = await loadMiniTokenizer();
    const header = [
      miniTokenId('<0x0A>'),
      miniTokenId('<0x0A>'),
      miniTokenId('###'),
      miniTokenId('▁명령어'),
      miniTokenId(':'),
    ];
    const answer = tokenizer.encode('안녕하세요');
    const invented = [...header, miniTokenId('<0x0A>'), ...tokenizer.encode('한국어'), EOS_ID];
    const { model, kv, prompts } = cachedModel([[...answer, ...invented], [...tokenizer.encode('hello')]]);
    const session = new KullmSession(model, tokenizer, new ModelCardSampler(), window4k);
    const pieces: string[] = [];
    const first: KullmTurn[] = [{ role: 'user', content: '인사' }];
    const result = await session.generate(ask(first), { onDelta: (text) => pieces.push(text) });
    expect(result.finishReason).toBe('stop');
    expect(pieces.join('')).toBe(' 안녕하세요');
    expect(pieces.some((piece) => piece.includes('#') || piece.includes('\n'))).toBe(false);
    // The token that completed the header was drawn but never fed.
    expect(kv.at(-1)).toBe(miniTokenId('▁명령어'));

    const next: KullmTurn[] = [
      ...first,
      { role: 'assistant', content: pieces.join('') },
      { role: 'user', content: '한국어' },
    ];
    await session.generate(ask(next), { onDelta: () => undefined });
    expect(prompts[1]).toEqual(promptTokenIds(tokenizer, formatKullmPrompt(next)));
  });

  it('stops at `### 응답:` split byte by byte too', async () => {
    const { model } = cachedModel([[...byteTokenizer.encode(' 네.\n\n### 응답:\n또 다른 답')]]);
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), window4k);
    const { text, result } = await run(session, [{ role: 'user', content: '질문' }]);
    expect(text).toBe(' 네.');
    expect(result.finishReason).toBe('stop');
  });
});

describe('KullmSession: a long prompt', () => {
  const longTurns: KullmTurn[] = [{ role: 'user', content: '긴 질문입니다. '.repeat(20) }];

  it('feeds the prompt in slices of at most the prefill chunk, drawing only after the last', async () => {
    const calls: { ids: number[]; draws: boolean }[] = [];
    const model: TokenModel = {
      forwardTokensAndSample: (ids) => {
        calls.push({ ids: [...ids], draws: true });
        return Promise.resolve(EOS_ID);
      },
      forwardTokens: (ids) => {
        calls.push({ ids: [...ids], draws: false });
        return Promise.resolve();
      },
      resetChat: () => Promise.resolve(),
    };
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), {
      contextWindow: 4096,
      prefillChunkSize: 64,
    });
    await run(session, longTurns);
    const ids = promptTokenIds(byteTokenizer, formatKullmPrompt(longTurns));
    expect(calls.length).toBe(Math.ceil(ids.length / 64));
    expect(calls.every((call) => call.ids.length <= 64)).toBe(true);
    expect(calls.flatMap((call) => call.ids)).toEqual(ids);
    expect(calls.map((call) => call.draws)).toEqual([...calls.slice(1).map(() => false), true]);
  });

  it('stops between slices at Stop, and the next answer feeds only the rest of the prompt', async () => {
    const controller = new AbortController();
    const kv: number[] = [];
    let drawn = 0;
    const model: TokenModel = {
      forwardTokensAndSample: (ids) => {
        kv.push(...ids);
        drawn += 1;
        return Promise.resolve(EOS_ID);
      },
      forwardTokens: (ids) => {
        kv.push(...ids);
        // Stop pressed while the GPU works on the first slice.
        controller.abort();
        return Promise.resolve();
      },
      resetChat: () => {
        kv.length = 0;
        return Promise.resolve();
      },
    };
    const session = new KullmSession(model, byteTokenizer, new ModelCardSampler(), {
      contextWindow: 4096,
      prefillChunkSize: 64,
    });
    const result = await session.generate(ask(longTurns), {
      signal: controller.signal,
      onDelta: () => undefined,
    });
    expect(result).toMatchObject({ finishReason: 'aborted', usage: { completionTokens: 0 } });
    expect(kv).toHaveLength(64);
    expect(drawn).toBe(0);

    await run(session, longTurns);
    expect(kv).toEqual(promptTokenIds(byteTokenizer, formatKullmPrompt(longTurns)));
    expect(drawn).toBe(1);
  });
});

describe('KullmSession: the ids of earlier turns', () => {
  /**
   * The GPU edge with a KV cache. After each prompt it plays back the next scripted answer (ids, then EOS),
   * and records what each prompt's prefill fed and what the KV cache held once the prompt was in.
   */
  function gpu(answers: number[][], onSlice?: () => void) {
    const kv: number[] = [];
    const prompts: number[][] = [];
    const prefilled: number[][] = [];
    let feeding: number[] = [];
    let queue: number[] = [];
    const model: TokenModel = {
      forwardTokensAndSample: (ids, prefill) => {
        kv.push(...ids);
        if (prefill) {
          prefilled.push([...feeding, ...ids]);
          feeding = [];
          prompts.push([...kv]);
          queue = [...(answers.shift() ?? [])];
        }
        return Promise.resolve(queue.shift() ?? EOS_ID);
      },
      forwardTokens: (ids) => {
        kv.push(...ids);
        feeding.push(...ids);
        onSlice?.();
        return Promise.resolve();
      },
      resetChat: () => {
        kv.length = 0;
        return Promise.resolve();
      },
    };
    return { model, kv, prompts, prefilled };
  }

  const pieces = (...names: string[]): number[] => names.map(miniTokenId);
  /** Answers drawn in tokenizations the tokenizer does not write: re-encoding their text gives other ids. */
  const drawn = {
    hello: pieces('▁', '안', '녕'),
    world: pieces('▁', 'w', 'o', 'r', 'l', 'd'),
    korean: pieces('▁', '한', '국', '어'),
  };
  const user = (content: string): ChatTurn => ({ role: 'user', content });
  const params = (maxNewTokens = 64) => ({ ...MODEL_CARD_SAMPLING, maxNewTokens });

  let tokenizer: HfTokenizer;
  beforeAll(async () => {
    tokenizer = await loadMiniTokenizer();
  });

  function open(answers: number[][], window = window4k, onSlice?: () => void) {
    const edge = gpu(answers, onSlice);
    return { ...edge, session: new KullmSession(edge.model, tokenizer, new ModelCardSampler(), window) };
  }

  /** One answer, and the turns that continue after it with the ids it reported, as the store keeps them. */
  async function answer(
    session: KullmSession,
    turns: ChatTurn[],
    { signal, maxNewTokens }: { signal?: AbortController; maxNewTokens?: number } = {},
  ) {
    const shown: string[] = [];
    const result = await session.generate(
      { turns, params: params(maxNewTokens) },
      {
        onDelta: (text) => {
          shown.push(text);
          signal?.abort();
        },
        ...(signal ? { signal: signal.signal } : {}),
      },
    );
    const text = shown.join('');
    const next: ChatTurn[] = [...turns, { role: 'assistant', content: text, tokens: result.tokens }];
    return { result, text, next };
  }

  /** What a session that never saw the conversation feeds for it: the rebuild from scratch. */
  async function rebuilt(turns: ChatTurn[], window = window4k): Promise<number[]> {
    const fresh = open([], window);
    await fresh.session.generate({ turns, params: params() }, { onDelta: () => undefined });
    return fresh.prompts[0] ?? [];
  }

  const block = (question: string): number[] =>
    encodeContinuation(tokenizer, kullmInstructionBlock(question));
  const opening = (question: string): number[] =>
    promptTokenIds(tokenizer, formatKullmPrompt([user(question)]));

  it('reports the ids fed for the question and drawn for the answer', async () => {
    const { session } = open([drawn.hello]);
    const first = await answer(session, [user('hello')]);
    expect(first.text).toBe(' 안녕');
    expect(first.result.tokens).toEqual({ promptIds: opening('hello'), answerIds: drawn.hello });
    expect(encodeContinuation(tokenizer, ' 안녕')).not.toEqual(drawn.hello);
  });

  it('prefills only the new question on turn 2 when the answer comes back with its ids', async () => {
    const { session, prefilled, prompts } = open([drawn.hello, drawn.world]);
    const first = await answer(session, [user('hello')]);
    const second = await answer(session, [...first.next, user('한국어')]);
    expect(prefilled[1]).toEqual(block('한국어'));
    expect(second.result.tokens).toEqual({ promptIds: block('한국어'), answerIds: drawn.world });
    expect(prompts[1]).toEqual([...opening('hello'), ...drawn.hello, ...block('한국어')]);
    expect(prompts[1]).toEqual(await rebuilt([...first.next, user('한국어')]));
  });

  it('reads the whole conversation again when the answer comes back without its ids (records made before)', async () => {
    const { session, prefilled, prompts } = open([drawn.hello]);
    const first = await answer(session, [user('hello')]);
    await answer(session, [user('hello'), { role: 'assistant', content: first.text }, user('한국어')]);
    expect(prefilled[1]).toEqual(prompts[1]);
    expect(prompts[1]).toEqual([
      ...opening('hello'),
      ...encodeContinuation(tokenizer, ' 안녕'),
      ...block('한국어'),
    ]);
  });

  it('over ten turns prefills each new question alone, and the conversation rebuilds to the same ids', async () => {
    const answers = [drawn.hello, drawn.world, drawn.korean];
    const questions = ['hello', 'world', '한국어'];
    const { session, prefilled } = open(Array.from({ length: 10 }, (_, index) => answers[index % 3] ?? []));
    let turns: ChatTurn[] = [];
    for (let index = 0; index < 10; index += 1) {
      const question = questions[index % 3] ?? '';
      ({ next: turns } = await answer(session, [...turns, user(question)]));
      expect(prefilled[index]).toEqual(index === 0 ? opening(question) : block(question));
    }
    const recorded = turns.flatMap((turn) => [
      ...(turn.tokens?.promptIds ?? []),
      ...(turn.tokens?.answerIds ?? []),
    ]);
    expect(await rebuilt([...turns, user('안녕하세요')])).toEqual([...recorded, ...block('안녕하세요')]);
  });

  it.each<[string, (turns: ChatTurn[]) => ChatTurn[], () => number[]]>([
    [
      'regenerate: the same question again after its answer',
      (turns) => turns.slice(0, 3),
      () => [...opening('hello'), ...drawn.hello, ...block('한국어')],
    ],
    [
      'edit: turn 2 asks something else',
      (turns) => [...turns.slice(0, 2), user('world')],
      () => [...opening('hello'), ...drawn.hello, ...block('world')],
    ],
    [
      'a version switch: another answer to turn 1, with its own ids',
      () => [
        user('hello'),
        {
          role: 'assistant',
          content: ' 한국어',
          tokens: { promptIds: opening('hello'), answerIds: drawn.korean },
        },
        user('world'),
      ],
      () => [...opening('hello'), ...drawn.korean, ...block('world')],
    ],
    [
      'another tab’s change: an answer it wrote (without ids here), then a new question',
      (turns) => [turns[0] ?? user(''), { role: 'assistant', content: ' hello world' }, user('한국어')],
      () => [...opening('hello'), ...encodeContinuation(tokenizer, ' hello world'), ...block('한국어')],
    ],
  ])('%s feeds what a rebuild from scratch feeds', async (_label, change, expected) => {
    const { session, prompts } = open([drawn.hello, drawn.world, drawn.korean]);
    const first = await answer(session, [user('hello')]);
    const second = await answer(session, [...first.next, user('한국어')]);
    const changed = change(second.next);
    await answer(session, changed);
    expect(prompts[2]).toEqual(expected());
    expect(prompts[2]).toEqual(await rebuilt(changed));
  });

  it('a page reload: the ids from storage give a new session what the model drew, as if it had continued', async () => {
    const before = open([drawn.hello, drawn.world]);
    const first = await answer(before.session, [user('hello')]);
    await answer(before.session, [...first.next, user('한국어')]);
    const stored = JSON.parse(JSON.stringify(first.next)) as ChatTurn[];
    expect(await rebuilt([...stored, user('한국어')])).toEqual(before.prompts[1]);
    expect(before.prompts[1]).toEqual([...opening('hello'), ...drawn.hello, ...block('한국어')]);
  });

  it('a stopped answer: the ids drawn before Stop are kept, and the next turn feeds only its question', async () => {
    const { session, prefilled, prompts } = open([[...drawn.hello, ...drawn.world], drawn.korean]);
    const first = await answer(session, [user('hello')], { signal: new AbortController() });
    expect(first.result.finishReason).toBe('aborted');
    expect(first.text).toBe(' 안');
    expect(first.result.tokens.answerIds).toEqual(pieces('▁', '안'));
    await answer(session, [...first.next, user('한국어')]);
    expect(prefilled[1]).toEqual(block('한국어'));
    expect(prompts[1]).toEqual(await rebuilt([...first.next, user('한국어')]));
  });

  it('an answer stopped while the prompt was read: nothing kept, and the next turn feeds the rest', async () => {
    const controller = new AbortController();
    const { session, prompts, kv } = open(
      [[], drawn.hello],
      { contextWindow: 4096, prefillChunkSize: 16 },
      () => controller.abort(),
    );
    const first = await answer(session, [user('hello world 한국어 안녕하세요')], { signal: controller });
    expect(first.result.tokens).toEqual({
      promptIds: opening('hello world 한국어 안녕하세요'),
      answerIds: [],
    });
    expect(kv).toHaveLength(16);
    const next = [...first.next, user('hello')];
    await answer(session, next);
    expect(prompts[0]).toEqual(await rebuilt(next, { contextWindow: 4096, prefillChunkSize: 16 }));
  });

  it('the length limit: the last id drawn was never fed, and the next turn feeds it before its question', async () => {
    const { session, prefilled, prompts } = open([drawn.hello, drawn.world]);
    const first = await answer(session, [user('hello')], { maxNewTokens: 2 });
    expect(first.result).toMatchObject({ finishReason: 'length', tokens: { answerIds: pieces('▁', '안') } });
    await answer(session, [...first.next, user('한국어')]);
    expect(prefilled[1]).toEqual([miniTokenId('안'), ...block('한국어')]);
    expect(prompts[1]).toEqual(await rebuilt([...first.next, user('한국어')]));
  });

  it('a trimmed turn header: the ids kept end before it, and the next turn feeds what a rebuild feeds', async () => {
    const header = pieces('<0x0A>', '<0x0A>', '###', '▁응답', ':', '▁', 'w');
    const { session, prompts } = open([[...drawn.hello, ...header], drawn.world]);
    const first = await answer(session, [user('hello')]);
    expect(first.text).toBe(' 안녕');
    expect(first.result.tokens.answerIds).toEqual(drawn.hello);
    await answer(session, [...first.next, user('한국어')]);
    expect(prompts[1]).toEqual([...opening('hello'), ...drawn.hello, ...block('한국어')]);
    expect(prompts[1]).toEqual(await rebuilt([...first.next, user('한국어')]));
  });

  it('dropped old turns: the oldest exchange kept opens the prompt with BOS, and keeps its drawn answer', async () => {
    const { session } = open([drawn.hello, drawn.world]);
    const first = await answer(session, [user('hello world '.repeat(30).trim())], { maxNewTokens: 20 });
    const second = await answer(session, [...first.next, user('world')], { maxNewTokens: 20 });
    const third = [...second.next, user('한국어')];
    // 20 new tokens and twice the last two exchanges: not room for the first (a long question), and the
    // prompt that must leave it out comes down to half of what it may take, which holds the last two.
    const kept = [...opening('world'), ...drawn.world, ...block('한국어')];
    const narrow = { ...window4k, contextWindow: 2 * kept.length + 20 };
    const later = open([drawn.korean], narrow);
    const { result } = await answer(later.session, third, { maxNewTokens: 20 });
    expect(result.droppedTurns).toBe(2);
    expect(result.usage.promptTokens).toBe(kept.length);
    expect(later.prompts[0]).toEqual(kept);
  });

  describe('leaving out old turns', () => {
    const questions = ['hello', 'world', '한국어'];
    /**
     * With a 6-id answer to each one-token question, every exchange takes 18 ids (12 for the question's
     * block), and 45 where it opens the prompt (BOS and the preamble). The prompt may take 150 ids, with 20
     * kept for the answer; the low-water mark is 75.
     */
    const small = { contextWindow: 170, prefillChunkSize: 1024 };
    const ask = (session: KullmSession, turns: ChatTurn[], question: string) =>
      answer(session, [...turns, user(question)], { maxNewTokens: 20 });

    it('feeds only each new question after a drop, until the prompt from the exchange kept is full', async () => {
      const { session, prefilled, prompts } = open(
        Array.from({ length: 13 }, () => drawn.world),
        small,
      );
      const fromExchange = (first: number, asked: readonly string[]): number[] => [
        ...opening(asked[first] ?? ''),
        ...drawn.world,
        ...asked.slice(first + 1, -1).flatMap((question) => [...block(question), ...drawn.world]),
        ...block(asked.at(-1) ?? ''),
      ];
      let turns: ChatTurn[] = [];
      const asked: string[] = [];
      const droppedTurns: number[] = [];
      const readWhole: number[] = [];
      for (let turn = 1; turn <= 13; turn += 1) {
        const question = questions[turn % 3] ?? '';
        asked.push(question);
        const { result, next } = await ask(session, turns, question);
        droppedTurns.push(result.droppedTurns);
        const prompt = prompts.at(-1) ?? [];
        expect(prompt.length + 20).toBeLessThanOrEqual(small.contextWindow);
        if (turn > 1) expect(prompt).toEqual(fromExchange(result.droppedTurns / 2, asked));
        if (prefilled.at(-1)?.length === prompt.length) readWhole.push(turn);
        else expect(prefilled.at(-1)).toEqual(block(question));
        turns = next;
      }
      // Turn 8 no longer fits whole, and comes down to the two exchanges before its question (75 ids, the
      // low-water mark); turns 9 to 12 keep exchange 5 first, and turn 13, at 165 ids from it, leaves out
      // five more.
      expect(readWhole).toEqual([1, 8, 13]);
      expect(droppedTurns).toEqual([0, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 20]);
      expect(prompts[7]).toHaveLength(75);
    });

    it('fits another conversation from its start, and this one again as if it were new', async () => {
      const { session, prefilled } = open(
        Array.from({ length: 12 }, () => drawn.world),
        small,
      );
      let turns: ChatTurn[] = [];
      for (let turn = 1; turn <= 9; turn += 1)
        ({ next: turns } = await ask(session, turns, questions[turn % 3] ?? ''));
      // Seven exchanges with answers of one id fit whole; exchange 5, first in the cache, is not this one's.
      const short = Array.from({ length: 6 }, (): ChatTurn[] => [
        user('world'),
        { role: 'assistant', content: ' world' },
      ]).flat();
      const other = await ask(session, short, 'hello');
      expect(other.result.droppedTurns).toBe(0);
      // From its first exchange, the conversation and a tenth question take 201 ids: back to the mark.
      const back = await ask(session, turns, 'hello');
      expect(back.result).toMatchObject({ droppedTurns: 14, usage: { promptTokens: 75 } });
      const after = await ask(session, back.next, 'world');
      expect(after.result.droppedTurns).toBe(14);
      expect(prefilled.at(-1)).toEqual(block('world'));
    });
  });
});
