import { KULLM_PREAMBLE, kullmInstructionBlock, validateKullmTurns, type KullmTurn } from './kullm';
import { decodeAfter } from './stream-decoder';
import { BOS_ID, promptTokenIds, type TextTokenizer } from './tokens';

/**
 * The token ids of one exchange as the model had them: what was fed for its question and what it drew for
 * its answer. Reported with each answer; kept with that answer as an opaque record and sent back on its
 * assistant turn, it lets the next prompt carry the ids the model drew, which re-encoding the answer's text
 * often does not give back (a model may draw `▁`, `안`, `녕` where the tokenizer writes `▁안녕`).
 */
export interface ExchangeTokens {
  /**
   * The ids fed for the question: BOS and one encoding of the preamble and the question's block when the
   * exchange opens the prompt (the model card's turn 1), else the block encoded as a continuation
   * ({@link encodeContinuation}).
   */
  readonly promptIds: readonly number[];
  /**
   * The answer's ids, whose text is exactly the answer: the ids drawn and fed, without the first ids of a
   * turn header the model started or bytes that never made a character, and without the id drawn when Stop
   * came (it was never shown).
   */
  readonly answerIds: readonly number[];
}

/** A turn of a conversation with, on an assistant turn, its exchange's ids when they were kept. */
export interface RecordedTurn extends KullmTurn {
  readonly tokens?: ExchangeTokens | undefined;
}

/** How many ids before an answer it is decoded after, so its leading space survives Llama's decoder. */
export const ANSWER_ANCHOR_IDS = 3;

/**
 * What a piece of a later turn is encoded after, and then stripped: a newline. Encoding a piece on its own
 * would begin it with the `▁` that Llama's normalizer prepends to a string. Llama's vocabulary has no token
 * for the newline (it falls back to the byte `<0x0A>`), so no merge crosses it: the piece gets the tokens
 * it has after any text. The kullm block of a later question starts with a newline itself, so its ids are
 * those it has inside the prompt encoded as one string.
 */
const CONTINUATION_ANCHOR = '\n';

const startsWith = (ids: readonly number[], prefix: readonly number[]): boolean =>
  prefix.length <= ids.length && prefix.every((id, index) => ids[index] === id);

const sameIds = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && startsWith(a, b);

/** The ids of `text` as it continues a prompt: no BOS, and no `▁` of its own in front. */
export function encodeContinuation(tokenizer: TextTokenizer, text: string): number[] {
  const anchor = tokenizer.encode(CONTINUATION_ANCHOR);
  const ids = tokenizer.encode(CONTINUATION_ANCHOR + text);
  return startsWith(ids, anchor) ? ids.slice(anchor.length) : [...tokenizer.encode(text)];
}

const isIdIn = (vocabSize: number) => (id: unknown) =>
  typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < vocabSize;

/**
 * The ids of a kullm prompt, exchange by exchange: the first exchange kept opens it with BOS and one
 * encoding of the preamble and its question (so turn 1 is the model card's, token for token); each later
 * question follows as its block encoded as a continuation; each earlier answer is the ids the model drew
 * for it when its record fits, else its text encoded as a continuation. So continuing a conversation feeds
 * only the new question, and any conversation, continued, edited or reloaded, is the same ids from scratch.
 *
 * A record fits when its ids are of this vocabulary, its question's ids are this question's (either form),
 * and its answer's ids decode to exactly the answer's text. Pieces are computed once, when first asked for.
 */
export class KullmPromptIds {
  /** Exchanges of the conversation; the last is the current question, which has no answer yet. */
  readonly exchanges: number;
  private readonly openings = new Map<number, readonly number[]>();
  private readonly followings = new Map<number, readonly number[]>();
  private readonly answers = new Map<number, readonly number[]>();

  /** @throws RangeError unless the turns alternate user/assistant, starting and ending with the user. */
  constructor(
    private readonly tokenizer: TextTokenizer,
    private readonly turns: readonly RecordedTurn[],
  ) {
    validateKullmTurns(turns);
    this.exchanges = (turns.length + 1) / 2;
  }

  /** How many ids exchange `exchange` takes: its question, opening the prompt or not, and its answer. */
  tokens(exchange: number, opens: boolean): number {
    const question = opens ? this.opening(exchange) : this.following(exchange);
    return question.length + (exchange < this.exchanges - 1 ? this.answer(exchange).length : 0);
  }

  /** The prompt's ids from exchange `first` on, and the ids of its last part, the current question. */
  build(first: number): { readonly ids: number[]; readonly questionIds: readonly number[] } {
    const ids: number[] = [];
    let questionIds: readonly number[] = [];
    for (let exchange = first; exchange < this.exchanges; exchange += 1) {
      questionIds = exchange === first ? this.opening(exchange) : this.following(exchange);
      ids.push(...questionIds);
      if (exchange < this.exchanges - 1) ids.push(...this.answer(exchange));
    }
    return { ids, questionIds };
  }

  private question(exchange: number): string {
    return this.turns[exchange * 2]?.content ?? '';
  }

  private opening(exchange: number): readonly number[] {
    let ids = this.openings.get(exchange);
    if (!ids) {
      ids = promptTokenIds(this.tokenizer, KULLM_PREAMBLE + kullmInstructionBlock(this.question(exchange)));
      this.openings.set(exchange, ids);
    }
    return ids;
  }

  private following(exchange: number): readonly number[] {
    let ids = this.followings.get(exchange);
    if (!ids) {
      ids = encodeContinuation(this.tokenizer, kullmInstructionBlock(this.question(exchange)));
      this.followings.set(exchange, ids);
    }
    return ids;
  }

  private answer(exchange: number): readonly number[] {
    let ids = this.answers.get(exchange);
    if (!ids) {
      const turn = this.turns[exchange * 2 + 1];
      ids = this.recorded(exchange) ?? encodeContinuation(this.tokenizer, turn?.content ?? '');
      this.answers.set(exchange, ids);
    }
    return ids;
  }

  /** The record's answer ids when the record fits this exchange. */
  private recorded(exchange: number): readonly number[] | undefined {
    const turn = this.turns[exchange * 2 + 1];
    const tokens = turn?.tokens;
    if (!turn || !tokens) return undefined;
    const known = isIdIn(this.tokenizer.vocabSize);
    const { promptIds, answerIds } = tokens;
    if (!promptIds.every(known) || !answerIds.every(known)) return undefined;
    const asked = promptIds[0] === BOS_ID ? this.opening(exchange) : this.following(exchange);
    if (!sameIds(promptIds, asked)) return undefined;
    const anchor = asked.slice(-ANSWER_ANCHOR_IDS);
    return decodeAfter(this.tokenizer, anchor, answerIds) === turn.content ? answerIds : undefined;
  }
}

/**
 * The answer ids to keep for the text an answer ended with: the longest run of the ids drawn whose text is
 * the start of it (a turn header the model began and bytes that never made a character are not part of the
 * text), and the rest of the text, if a cut fell inside a token, encoded as a continuation.
 */
export function keptAnswerIds(
  tokenizer: TextTokenizer,
  anchor: readonly number[],
  drawn: readonly number[],
  text: string,
): number[] {
  const anchorText = tokenizer.decode(anchor);
  for (let end = drawn.length; end > 0; end -= 1) {
    const kept = drawn.slice(0, end);
    const decoded = decodeAfter(tokenizer, anchor, kept, anchorText);
    if (decoded === text) return kept;
    if (text.startsWith(decoded))
      return [...kept, ...encodeContinuation(tokenizer, text.slice(decoded.length))];
  }
  return text === '' ? [] : encodeContinuation(tokenizer, text);
}
