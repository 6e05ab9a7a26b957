// Usage: ./node_modules/.bin/tsx model-config/build/write-chat-config.ts <dir>/mlc-chat-config.json
// Rewrites the file that `mlc_llm gen_config` wrote: the kullm conversation template, the app's context window and
// the model card's sampling defaults. build.sh runs it before `mlc_llm compile`, which reads the same file.
//
//        ./node_modules/.bin/tsx model-config/build/write-chat-config.ts --check-context <source>/config.json <tokens>
// Stops (exit 1) when the downloaded model was trained on fewer positions than the context window asked for;
// build.sh runs it before converting anything.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MODEL_CARD_SAMPLING } from '../../src/generation/sampling';
import { kullmConvTemplate } from './conv-template';

/** beomi/llama-2-ko-7b's extended vocabulary; a library compiled for Llama-2 (32,000) drops every Korean token. */
export const KULLM_VOCAB_SIZE = 46_336;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkVocabulary(config: Json): void {
  const modelConfig = isObject(config.model_config) ? config.model_config : {};
  const sizes: [string, unknown][] = [
    ['vocab_size', config.vocab_size],
    ['model_config.vocab_size', modelConfig.vocab_size ?? KULLM_VOCAB_SIZE],
  ];
  for (const [field, value] of sizes) {
    if (value !== KULLM_VOCAB_SIZE) {
      throw new Error(
        `${field} is ${JSON.stringify(value)}, expected ${KULLM_VOCAB_SIZE}: this is not kfkas/Llama-2-ko-7b-Chat's config.`,
      );
    }
  }
  // gen_config sets active_vocab_size from len(tokenizer) and compile bakes it into the softmax: a smaller
  // value means it read a tokenizer without the Korean tokens (e.g. a bare Llama-2 tokenizer.model).
  const active = config.active_vocab_size;
  if (
    active !== undefined &&
    active !== null &&
    !(typeof active === 'number' && active >= KULLM_VOCAB_SIZE)
  ) {
    throw new Error(
      `active_vocab_size is ${JSON.stringify(active)}, below ${KULLM_VOCAB_SIZE}: gen_config did not see the fast ` +
        'tokenizer (tokenizer.json) with the Korean vocabulary. Fix the download and run gen_config again.',
    );
  }
}

/**
 * The chat config with the kullm template, the context window and the model card's sampling defaults; every other
 * field (model_config, tokenizer files and info, …) is kept as gen_config wrote it, in the same key order.
 * The app reads `context_window_size` and `prefill_chunk_size` from this file when it loads the model.
 * The answer's length limit (the model card's `max_new_tokens`, 1,024) has no field here: neither web-llm nor MLC
 * reads one, and the app never sends web-llm a request with `max_tokens`: its own generation loop
 * (src/engine/web-llm/kullm-session.ts) feeds the tokens and stops at the limit of the conversation's settings.
 */
export function rewriteChatConfig(config: unknown, contextWindowSize: number): Json {
  if (!isObject(config)) throw new TypeError('mlc-chat-config.json must hold a JSON object.');
  if (!(Number.isInteger(contextWindowSize) && contextWindowSize > 0)) {
    throw new RangeError(`The context window must be a positive integer, got ${contextWindowSize}.`);
  }
  checkVocabulary(config);
  const modelConfig = isObject(config.model_config) ? config.model_config : undefined;
  return {
    ...config,
    ...(modelConfig && 'context_window_size' in modelConfig
      ? { model_config: { ...modelConfig, context_window_size: contextWindowSize } }
      : {}),
    context_window_size: contextWindowSize,
    temperature: MODEL_CARD_SAMPLING.temperature,
    top_p: MODEL_CARD_SAMPLING.topP,
    repetition_penalty: MODEL_CARD_SAMPLING.repetitionPenalty,
    presence_penalty: 0,
    frequency_penalty: 0,
    conv_template: kullmConvTemplate(),
  };
}

/** The context window that `model-config/models.json` gives the build of this quantization. */
export function contextWindowFor(catalog: unknown, quantization: unknown): number {
  const models = isObject(catalog) && Array.isArray(catalog.models) ? (catalog.models as unknown[]) : [];
  const found = models.find((model) => isObject(model) && model.quantization === quantization);
  const size = isObject(found) ? found.contextWindow : undefined;
  if (typeof size !== 'number') {
    throw new Error(
      `model-config/models.json has no record with a contextWindow for ${JSON.stringify(quantization)}.`,
    );
  }
  return size;
}

/**
 * The downloaded model's trained positions (`max_position_embeddings` of its Hugging Face config.json) bound the
 * context window: Llama's rotary positions beyond them were never trained, and a conversation that reaches them
 * gets answers that quietly degrade. Returns the trained size when `contextWindowSize` fits in it.
 */
export function checkTrainedContext(sourceConfig: unknown, contextWindowSize: number): number {
  const trained = isObject(sourceConfig) ? sourceConfig.max_position_embeddings : undefined;
  if (!(typeof trained === 'number' && Number.isInteger(trained) && trained > 0)) {
    throw new Error(
      `config.json has no max_position_embeddings (got ${JSON.stringify(trained)}): cannot tell how many positions ` +
        'the model was trained on. Is this the Hugging Face config.json of kfkas/Llama-2-ko-7b-Chat?',
    );
  }
  if (contextWindowSize > trained) {
    throw new Error(
      `model-config/models.json asks for a context window of ${contextWindowSize} tokens, but the model was trained ` +
        `on ${trained} positions (max_position_embeddings in config.json); the positions above ${trained} are ` +
        `untrained. Set contextWindow to ${trained} or less in model-config/models.json and build again.`,
    );
  }
  return trained;
}

/** Rewrites the file in place; returns the context window it set. */
export function writeChatConfig(path: string, catalogPath: string): number {
  const config: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const catalog: unknown = JSON.parse(readFileSync(catalogPath, 'utf8'));
  const contextWindowSize = contextWindowFor(catalog, isObject(config) ? config.quantization : undefined);
  writeFileSync(path, `${JSON.stringify(rewriteChatConfig(config, contextWindowSize), null, 2)}\n`);
  return contextWindowSize;
}

const usage = [
  'Usage: tsx model-config/build/write-chat-config.ts <dir>/mlc-chat-config.json',
  '       tsx model-config/build/write-chat-config.ts --check-context <source>/config.json <tokens>',
].join('\n');

function checkContextCommand(sourceConfigPath: string, tokens: string): void {
  const contextWindowSize = Number(tokens);
  if (!(Number.isInteger(contextWindowSize) && contextWindowSize > 0)) {
    throw new Error(`the context window must be a positive integer, got ${JSON.stringify(tokens)}.`);
  }
  const trained = checkTrainedContext(JSON.parse(readFileSync(sourceConfigPath, 'utf8')), contextWindowSize);
  console.log(
    `${sourceConfigPath}: trained on ${trained} positions; a context window of ${contextWindowSize} fits.`,
  );
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const [first, ...rest] = process.argv.slice(2);
  if (first === '--check-context') {
    const [sourceConfigPath, tokens, ...extra] = rest;
    if (sourceConfigPath === undefined || tokens === undefined || extra.length > 0) {
      console.error(usage);
      process.exit(2);
    }
    try {
      checkContextCommand(sourceConfigPath, tokens);
    } catch (error) {
      console.error(`write-chat-config: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    process.exit(0);
  }
  const path = first;
  if (path === undefined || rest.length > 0) {
    console.error(usage);
    process.exit(2);
  }
  try {
    const catalogPath = fileURLToPath(new URL('../models.json', import.meta.url));
    const contextWindowSize = writeChatConfig(path, catalogPath);
    console.log(
      `${path}: kullm conv_template, context_window_size ${contextWindowSize}, model card sampling.`,
    );
  } catch (error) {
    console.error(`write-chat-config: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
