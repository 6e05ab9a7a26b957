import { pathToFileURL } from 'node:url';
import type { ChatTurn } from '../../src/engine/protocol';
import { KullmSession, type ModelWindow, type TokenModel } from '../../src/engine/web-llm/kullm-session';
import {
  answerReserve,
  fitExchanges,
  lowWaterMark,
  type ContextLimits,
  type ExchangeFit,
} from '../../src/generation/context-budget';
import { ModelCardSampler } from '../../src/generation/model-card-sampler';
import type { KullmPromptIds } from '../../src/generation/prompt-ids';
import { seededRandom } from '../../src/generation/random';
import { MODEL_CARD_SAMPLING } from '../../src/generation/sampling';
import { EOS_ID, type TextTokenizer } from '../../src/generation/tokens';
import { loadMiniTokenizer, MINI_VOCAB, miniTokenPiece } from '../../src/test/mini-tokenizer';

const TURNS = 10;
/** This build's window and prefill chunk (its mlc-chat-config.json), and the model card's answer limit. */
const WINDOW = { contextWindow: 4096, prefillChunkSize: 1024 };
/** A conversation long enough to overflow both windows, the build's and the smallest the app loads. */
const LONG_TURNS = 30;
const SMALL_WINDOW = { contextWindow: 1024, prefillChunkSize: 1024 };
const PARAMS = { ...MODEL_CARD_SAMPLING, seed: 1 };
/** Words the fixture tokenizer has whole tokens for, so that drawing them letter by letter differs. */
const WORDS = [
  ' 안녕하세요',
  ' 한국어',
  ' hello',
  ' world',
  ' 작업을',
  ' 설명하는',
  ' 요청을',
  ' 적절히',
  ' 완료하는',
];

/**
 * The ids a sampling model may draw for a text: its encoding with about half of the multi-character
 * tokens drawn character by character instead (`▁hello` as `▁`, `h`, `e`, `l`, `l`, `o`). The text is
 * the same; re-encoding it gives the tokenizer's own ids back, not these.
 */
function drawnIds(tokenizer: TextTokenizer, text: string, random: () => number): number[] {
  return tokenizer.encode(text).flatMap((id) => {
    const piece = miniTokenPiece(id);
    const chars = Array.from(piece);
    if (piece.startsWith('<0x') || chars.length < 2 || random() < 0.5) return [id];
    return chars.map((char) => MINI_VOCAB.get(char) ?? id);
  });
}

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)] ?? '').join('');
}

/**
 * The GPU edge: plays back the scripted answer after each prompt, counts the ids each prompt fed, and notes
 * whether the KV cache was emptied for it.
 */
function countingModel(answers: readonly (readonly number[])[]) {
  const prefilled: number[] = [];
  const emptied: boolean[] = [];
  let feeding = 0;
  let reset = false;
  let turn = 0;
  let queue: number[] = [];
  const model: TokenModel = {
    forwardTokensAndSample: (ids, isPrefill) => {
      if (isPrefill) {
        prefilled.push(feeding + ids.length);
        emptied.push(reset);
        feeding = 0;
        reset = false;
        queue = [...(answers[turn++] ?? []), EOS_ID];
      }
      return Promise.resolve(queue.shift() ?? EOS_ID);
    },
    forwardTokens: (ids) => {
      feeding += ids.length;
      return Promise.resolve();
    },
    resetChat: () => {
      reset = true;
      return Promise.resolve();
    },
  };
  return { model, prefilled, emptied };
}

/**
 * The session as it was before the prompt came down to a low-water mark: each turn keeps the oldest exchange
 * that fits, wherever the prompt before began (`fitExchanges` without the exchange kept last time).
 */
class SessionWithoutHysteresis extends KullmSession {
  protected override fit(prompt: KullmPromptIds, limits: ContextLimits): ExchangeFit {
    return fitExchanges(prompt.exchanges, (exchange, opens) => prompt.tokens(exchange, opens), limits);
  }
}

interface Run {
  readonly prefilled: readonly number[];
  /** Whether the KV cache was emptied and the whole prompt read, turn by turn. */
  readonly emptied: readonly boolean[];
  readonly promptTokens: readonly number[];
  readonly questionTokens: readonly number[];
  readonly droppedTurns: readonly number[];
}

async function converse(
  tokenizer: TextTokenizer,
  questions: readonly string[],
  answers: readonly (readonly number[])[],
  withIds: boolean,
  window: ModelWindow = WINDOW,
  Session: typeof KullmSession = KullmSession,
): Promise<Run> {
  const { model, prefilled, emptied } = countingModel(answers);
  const session = new Session(model, tokenizer, new ModelCardSampler(), window, () => 0);
  const promptTokens: number[] = [];
  const questionTokens: number[] = [];
  const droppedTurns: number[] = [];
  let turns: ChatTurn[] = [];
  for (const question of questions) {
    turns = [...turns, { role: 'user', content: question }];
    let text = '';
    const result = await session.generate({ turns, params: PARAMS }, { onDelta: (piece) => (text += piece) });
    promptTokens.push(result.usage.promptTokens);
    questionTokens.push(result.tokens.promptIds.length);
    droppedTurns.push(result.droppedTurns);
    turns = [
      ...turns,
      withIds
        ? { role: 'assistant', content: text, tokens: result.tokens }
        : { role: 'assistant', content: text },
    ];
  }
  return { prefilled, emptied, promptTokens, questionTokens, droppedTurns };
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const later = <T>(values: readonly T[]): readonly T[] => values.slice(1);
const figure = (value: number): string => value.toLocaleString('en');
const row = (cells: readonly string[]): string =>
  `|${cells.map((cell) => (cell === '' ? ' ' : ` ${cell} `)).join('|')}|`;

/** The long conversation in one window, through the session before and after. */
interface Overflow {
  readonly window: ModelWindow;
  readonly before: Run;
  readonly after: Run;
}

/** What a prompt may take in `window` with the model card's answer limit, and where a drop comes down to. */
function marks(window: ModelWindow): { readonly limit: number; readonly lowWater: number } {
  const limits = { contextWindow: window.contextWindow, maxNewTokens: PARAMS.maxNewTokens };
  return { limit: window.contextWindow - answerReserve(limits), lowWater: lowWaterMark(limits) };
}

/**
 * Whether from turn 2 on each turn after fed its new question alone, or emptied the cache for a prompt within
 * the low-water mark, and whether every prompt, before and after, left the answer its reserve.
 */
function overflowPasses({ window, before, after }: Overflow): boolean {
  const { limit, lowWater } = marks(window);
  const turnPasses = (turn: number): boolean =>
    after.emptied[turn] === true
      ? (after.promptTokens[turn] ?? Infinity) <= lowWater
      : after.prefilled[turn] === after.questionTokens[turn];
  return (
    later(after.prefilled.map((_, turn) => turn)).every(turnPasses) &&
    [...before.promptTokens, ...after.promptTokens].every((tokens) => tokens <= limit)
  );
}

/** The long conversation's table and result line, both windows side by side. */
function overflowTable(answers: readonly (readonly number[])[], overflows: readonly Overflow[]): string[] {
  const questionTokens = overflows[0]?.after.questionTokens ?? [];
  const size = ({ window }: Overflow): string => figure(window.contextWindow);
  const leftOut = (run: Run, turn: number): string => figure(run.droppedTurns[turn] ?? 0);
  const rows = questionTokens.map((question, turn) => {
    const cells = [
      figure(turn + 1),
      figure(question),
      figure(answers[turn]?.length ?? 0),
      ...overflows.flatMap(({ before, after }) => [
        figure(before.prefilled[turn] ?? 0),
        figure(after.prefilled[turn] ?? 0),
        `${leftOut(before, turn)} / ${leftOut(after, turn)}`,
      ]),
    ];
    return row(cells);
  });
  const totals = [
    'all',
    figure(sum(questionTokens)),
    figure(sum(answers.map((ids) => ids.length))),
    ...overflows.flatMap(({ before, after }) => [
      figure(sum(before.prefilled)),
      figure(sum(after.prefilled)),
      '',
    ]),
  ];
  const emptied = (run: Run): number => later(run.emptied).filter(Boolean).length;
  const average = (values: readonly number[]): string => figure(Math.round(sum(values) / values.length));
  const results = overflows.map(
    (overflow) =>
      `${size(overflow)}-token window: ${figure(sum(overflow.before.prefilled))} tokens prefilled before, ` +
      `${figure(sum(overflow.after.prefilled))} after; the cache read again on ${emptied(overflow.before)} of turns ` +
      `2–${LONG_TURNS} before, ${emptied(overflow.after)} after; prompts of ${average(overflow.before.promptTokens)} ` +
      `tokens on average before, ${average(overflow.after.promptTokens)} after`,
  );
  const pass = overflows.every(overflowPasses);
  return [
    [
      '| Turn | New question (tokens) | Answer drawn (tokens)',
      ...overflows.map(
        (overflow) =>
          `${size(overflow)}: prefilled before | ${size(overflow)}: prefilled after | ` +
          `${size(overflow)}: messages left out before / after`,
      ),
    ].join(' | ') + ' |',
    `|${' ---: |'.repeat(3 + 3 * overflows.length)}`,
    ...rows,
    row(totals),
    '',
    'Target: from turn 2 on, each turn after prefills its new question alone or reads the cache again from a ' +
      'prompt within the low-water mark, and every prompt leaves the answer its reserve: ' +
      `**${pass ? 'PASS' : 'FAIL'}** (${results.join('; ')}).`,
  ];
}

/**
 * Prompt tokens prefilled per turn over a 10-turn conversation, with the answers coming back as text only
 * (as before) and with the ids the model drew, as a Markdown section. Counts, not times: deterministic.
 */
export async function benchPrefill(): Promise<string> {
  const tokenizer = await loadMiniTokenizer();
  const random = seededRandom(13);
  const questions = Array.from({ length: TURNS }, () => sentence(random, 6).trimStart());
  const answers = Array.from({ length: TURNS }, () => drawnIds(tokenizer, sentence(random, 40), random));
  const before = await converse(tokenizer, questions, answers, false);
  const after = await converse(tokenizer, questions, answers, true);
  const longRandom = seededRandom(29);
  const longQuestions = Array.from({ length: LONG_TURNS }, () => sentence(longRandom, 6).trimStart());
  const longAnswers = Array.from({ length: LONG_TURNS }, () =>
    drawnIds(tokenizer, sentence(longRandom, 40), longRandom),
  );
  const overflows: Overflow[] = [];
  for (const window of [WINDOW, SMALL_WINDOW]) {
    overflows.push({
      window,
      before: await converse(tokenizer, longQuestions, longAnswers, true, window, SessionWithoutHysteresis),
      after: await converse(tokenizer, longQuestions, longAnswers, true, window),
    });
  }
  tokenizer.dispose();

  const rows = questions.map((_, turn) => {
    const cells = [
      turn + 1,
      after.questionTokens[turn],
      answers[turn]?.length,
      after.promptTokens[turn],
      before.prefilled[turn],
      after.prefilled[turn],
    ];
    return `| ${cells.map((cell) => (cell ?? 0).toLocaleString('en')).join(' | ')} |`;
  });
  const pass = later(after.prefilled).every((count, turn) => count === later(after.questionTokens)[turn]);
  return [
    '## Prompt tokens prefilled per turn',
    '',
    `A ${TURNS}-turn conversation through \`KullmSession\` with the fixture tokenizer (\`src/test/mini-tokenizer.ts\`, ` +
      'Llama-2-style, a few hundred tokens) and a model double that draws each answer as its encoding with about ' +
      'half of the multi-character tokens split into characters, as a sampling model may: the same text, other ' +
      `ids. Questions of 6 words, answers of 40 words and up to 1,024 tokens, a ${WINDOW.contextWindow.toLocaleString('en')}-token ` +
      'window (nothing is dropped). Before: each answer comes back as text only, so the engine encodes it again, ' +
      'the prompt no longer continues the KV cache, and the whole conversation is read again (what the app did ' +
      'before answers kept their ids, and the same counts as the session before this change; re-encoded, the ' +
      'answers take fewer tokens than were drawn). After: each ' +
      'answer comes back with the ids its exchange reported. The prompt column is the prompt after.',
    '',
    '| Turn | New question (tokens) | Answer drawn (tokens) | Prompt (tokens) | Prefilled before | Prefilled after |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `| all | ${sum(after.questionTokens).toLocaleString('en')} | ${sum(answers.map((ids) => ids.length)).toLocaleString('en')} | | ` +
      `${sum(before.prefilled).toLocaleString('en')} | ${sum(after.prefilled).toLocaleString('en')} |`,
    '',
    `Target: from turn 2 on, the tokens prefilled are the new question's alone: **${pass ? 'PASS' : 'FAIL'}** ` +
      `(turns 2–${TURNS}: ${sum(later(before.prefilled)).toLocaleString('en')} tokens before, ` +
      `${sum(later(after.prefilled)).toLocaleString('en')} after).`,
    '',
    `### ${LONG_TURNS} turns that overflow the window`,
    '',
    `A ${LONG_TURNS}-turn conversation of the same kind (other words), each answer coming back with its ids, in ` +
      `the build's ${figure(WINDOW.contextWindow)}-token window and in a ${figure(SMALL_WINDOW.contextWindow)}-token ` +
      "one, the smallest the app loads. With the model card's 1,024-token answer limit, a prompt may take " +
      `${overflows.map(({ window }) => figure(marks(window).limit)).join(' and ')} tokens, and a drop comes down ` +
      `to ${overflows.map(({ window }) => figure(marks(window).lowWater)).join(' and ')} (the low-water mark, ` +
      'half of that). Before: the session as it was, which keeps the oldest exchange that fits on every turn, ' +
      'so once the window is full the first exchange kept moves on most turns, and each time the cache is ' +
      'emptied and the whole prompt read again (`KullmSession` run with the fitting it had: `fitExchanges` ' +
      'without the exchange kept last time). After: a prompt that must leave out exchanges comes down to the ' +
      'low-water mark, and the exchange it then opens with stays first while the prompt from it fits. Messages ' +
      "left out: the count the answer's notice shows.",
    '',
    ...overflowTable(longAnswers, overflows),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchPrefill());
}
