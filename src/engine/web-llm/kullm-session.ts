import { fitExchanges, type ContextLimits, type ExchangeFit } from '../../generation/context-budget';
import { KULLM_TURN_HEADERS } from '../../generation/kullm';
import type { ModelCardSampler } from '../../generation/model-card-sampler';
import { ANSWER_ANCHOR_IDS, keptAnswerIds, KullmPromptIds } from '../../generation/prompt-ids';
import { seededRandom } from '../../generation/random';
import { StreamDecoder } from '../../generation/stream-decoder';
import { EOS_ID, type TextTokenizer } from '../../generation/tokens';
import { EngineError, type GenerateOptions, type GenerateRequest } from '../chat-engine';
import type { FinishReason, GenerationResult, LoadedModel } from '../protocol';

/** The GPU side of web-llm's `MLCEngine` that the session drives: feed ids, get the next sampled id. */
export interface TokenModel {
  /** Feeds ids into the KV cache and draws the next token after them. */
  forwardTokensAndSample(inputIds: number[], isPrefill: boolean): Promise<number>;
  /** Feeds prompt ids into the KV cache without drawing a token (a slice of the prompt that is not its last). */
  forwardTokens(inputIds: number[]): Promise<void>;
  resetChat(): Promise<void>;
}

/** The loaded model's sizes the session works within (from its `mlc-chat-config.json`). */
export type ModelWindow = Pick<LoadedModel, 'contextWindow' | 'prefillChunkSize'>;

/**
 * One conversation on the model, fed token ids directly. The prompt is built exchange by exchange
 * (`KullmPromptIds`, docs/prompt.md): the first exchange kept is BOS and one encoding of its kullm text, as
 * the model card encodes turn 1; each later question is its block encoded as a continuation; each earlier
 * answer is the ids the model drew for it, from the record its turn carries, or its text encoded when there
 * is no record that fits. The oldest exchanges give way when the window is full, down to well below it, and
 * the exchange that then opens the prompt stays first while the prompt from it fits (`fitExchanges`), so
 * that the turns after a drop go on continuing the KV cache. Each token is drawn by the model-card sampler
 * (registered as web-llm's logit processor). The KV cache is reused whenever the new prompt's ids continue
 * what it already holds, and rebuilt otherwise, so continuing and rebuilding a conversation from the same
 * first exchange feed the model the same ids; with records, continuing feeds only the new question.
 *
 * The new part of the prompt is fed in slices of at most the prefill chunk, with Stop looked at between
 * them: web-llm splits one long call the same way but cannot be interrupted inside it. An answer ends at
 * EOS, at the length limit, at Stop, or where the model starts a turn header of its own (`### 명령어:`): the
 * header is never shown and is not part of the answer, nor of the ids reported for it.
 *
 * `cached` always holds exactly the ids fed to the KV cache, whatever ended the answer (a header's first
 * tokens included): the next prompt reuses the cache only if its ids continue those, so what the model sees
 * is the next prompt's ids in every case.
 */
export class KullmSession {
  /** The ids the KV cache holds, in order. */
  private cached: number[] = [];
  /** The exchange the prompt in `cached` opens with: the first exchange kept last time. */
  private first = 0;

  constructor(
    private readonly model: TokenModel,
    private readonly tokenizer: TextTokenizer,
    private readonly sampler: ModelCardSampler,
    private readonly window: ModelWindow,
    private readonly now: () => number = () => performance.now(),
    private readonly entropy: () => number = () => Math.floor(Math.random() * 2 ** 32),
  ) {}

  async generate({ turns, params }: GenerateRequest, options: GenerateOptions): Promise<GenerationResult> {
    const started = this.now();
    const prompt = new KullmPromptIds(this.tokenizer, turns);
    const fit = this.fit(prompt, {
      contextWindow: this.window.contextWindow,
      maxNewTokens: params.maxNewTokens,
    });
    if (fit.kind === 'too-long') {
      throw new EngineError(
        'context-window-exceeded',
        `The message takes ${fit.promptTokens} tokens with the prompt; at most ${fit.limit} fit with room for the answer.`,
      );
    }
    const { ids, questionIds } = prompt.build(fit.first);
    if (!this.continues(ids)) {
      await this.model.resetChat();
      this.cached = [];
    }
    this.first = fit.first;
    const toFeed = ids.slice(this.cached.length);
    this.sampler.begin(ids, params, seededRandom(params.seed ?? this.entropy()));
    const anchor = ids.slice(-ANSWER_ANCHOR_IDS);
    const decoder = new StreamDecoder(this.tokenizer, anchor, KULLM_TURN_HEADERS);
    const stopRequested = (): boolean => options.signal?.aborted === true;
    const chunk = this.window.prefillChunkSize;

    const drawn: number[] = [];
    let finishReason: FinishReason = 'stop';
    let prefilled = 0;
    let prefillMs = 0;
    try {
      let next: number | undefined;
      for (let start = 0; start < toFeed.length && !stopRequested(); start += chunk) {
        const slice = toFeed.slice(start, start + chunk);
        if (start + chunk < toFeed.length) await this.model.forwardTokens(slice);
        else next = await this.model.forwardTokensAndSample(slice, true);
        this.cached.push(...slice);
        prefilled += slice.length;
      }
      prefillMs = this.now() - started;
      // Stopped before the prompt was all in: there is no first token.
      if (next === undefined) finishReason = 'aborted';
      while (next !== undefined && next !== EOS_ID) {
        if (stopRequested()) {
          finishReason = 'aborted';
          break;
        }
        this.sampler.accept(next);
        drawn.push(next);
        const delta = decoder.push(next);
        if (delta) options.onDelta(delta);
        if (decoder.stopped) break;
        // The answer's length limit, and the window: the prompt leaves the answer at least its reserve.
        if (drawn.length >= params.maxNewTokens || ids.length + drawn.length >= this.window.contextWindow) {
          finishReason = 'length';
          break;
        }
        const fed = next;
        next = await this.model.forwardTokensAndSample([fed], false);
        this.cached.push(fed);
      }
    } catch (error) {
      // The KV cache is in an unknown state after a failure; the next answer rebuilds it.
      this.cached = [];
      throw error;
    }
    const rest = decoder.finish();
    if (rest) options.onDelta(rest);
    const answerIds = keptAnswerIds(this.tokenizer, anchor, drawn, decoder.text);
    const generated = drawn.length;
    const totalMs = this.now() - started;
    const decodeMs = totalMs - prefillMs;
    return {
      finishReason,
      droppedTurns: fit.first * 2,
      tokens: { promptIds: questionIds, answerIds },
      usage: {
        promptTokens: ids.length,
        completionTokens: generated,
        prefillTokensPerSecond: prefillMs > 0 ? (prefilled * 1000) / prefillMs : 0,
        decodeTokensPerSecond: decodeMs > 0 && generated > 1 ? ((generated - 1) * 1000) / decodeMs : 0,
        timeToFirstTokenMs: prefillMs,
        totalMs,
      },
    };
  }

  /**
   * Which exchanges the prompt keeps. The first exchange kept last time stays first while the prompt from it
   * fits, but only if that prompt continues the KV cache: the same conversation, continued. Any other
   * conversation (another one, an edit, a regenerated answer, an empty cache) is fitted as if it had been fed
   * whole: kept whole if it fits, else cut down to the low-water mark. Protected so that the prefill
   * benchmark can run the session with the fitting it had before, for comparison.
   */
  protected fit(prompt: KullmPromptIds, limits: ContextLimits): ExchangeFit {
    const fitFrom = (keptFrom: number): ExchangeFit =>
      fitExchanges(prompt.exchanges, (exchange, opens) => prompt.tokens(exchange, opens), limits, keptFrom);
    const kept = fitFrom(this.first);
    if (kept.kind === 'too-long' || this.first === 0) return kept;
    return this.continues(prompt.build(kept.first).ids) ? kept : fitFrom(0);
  }

  private continues(ids: readonly number[]): boolean {
    return (
      this.cached.length > 0 && this.cached.length < ids.length && this.cached.every((id, i) => id === ids[i])
    );
  }

  /** How many ids this session counts as fed to the KV cache. */
  get cachedLength(): number {
    return this.cached.length;
  }

  /** Forgets the KV cache's contents (after unload or reload). */
  reset(): void {
    this.cached = [];
  }
}
