import { pathToFileURL } from 'node:url';
import type { ChatTurn } from '../../src/engine/protocol';
import { KullmSession, type TokenModel } from '../../src/engine/web-llm/kullm-session';
import { ModelCardSampler } from '../../src/generation/model-card-sampler';
import { seededRandom } from '../../src/generation/random';
import { MODEL_CARD_SAMPLING } from '../../src/generation/sampling';
import { EOS_ID, type TextTokenizer } from '../../src/generation/tokens';
import { loadMiniTokenizer, MINI_VOCAB, miniTokenPiece } from '../../src/test/mini-tokenizer';

const TURNS = 10;
/** This build's window and prefill chunk (its mlc-chat-config.json), and the model card's answer limit. */
const WINDOW = { contextWindow: 4096, prefillChunkSize: 1024 };
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

/** The GPU edge: plays back the scripted answer after each prompt, and counts the ids each prompt fed. */
function countingModel(answers: readonly (readonly number[])[]) {
  const prefilled: number[] = [];
  let feeding = 0;
  let turn = 0;
  let queue: number[] = [];
  const model: TokenModel = {
    forwardTokensAndSample: (ids, isPrefill) => {
      if (isPrefill) {
        prefilled.push(feeding + ids.length);
        feeding = 0;
        queue = [...(answers[turn++] ?? []), EOS_ID];
      }
      return Promise.resolve(queue.shift() ?? EOS_ID);
    },
    forwardTokens: (ids) => {
      feeding += ids.length;
      return Promise.resolve();
    },
    resetChat: () => Promise.resolve(),
  };
  return { model, prefilled };
}

interface Run {
  readonly prefilled: readonly number[];
  readonly promptTokens: readonly number[];
  readonly questionTokens: readonly number[];
}

async function converse(
  tokenizer: TextTokenizer,
  questions: readonly string[],
  answers: readonly (readonly number[])[],
  withIds: boolean,
): Promise<Run> {
  const { model, prefilled } = countingModel(answers);
  const session = new KullmSession(model, tokenizer, new ModelCardSampler(), WINDOW, () => 0);
  const promptTokens: number[] = [];
  const questionTokens: number[] = [];
  let turns: ChatTurn[] = [];
  for (const question of questions) {
    turns = [...turns, { role: 'user', content: question }];
    let text = '';
    const result = await session.generate({ turns, params: PARAMS }, { onDelta: (piece) => (text += piece) });
    promptTokens.push(result.usage.promptTokens);
    questionTokens.push(result.tokens.promptIds.length);
    turns = [
      ...turns,
      withIds
        ? { role: 'assistant', content: text, tokens: result.tokens }
        : { role: 'assistant', content: text },
    ];
  }
  return { prefilled, promptTokens, questionTokens };
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
  const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
  const later = (values: readonly number[]): readonly number[] => values.slice(1);
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
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchPrefill());
}
