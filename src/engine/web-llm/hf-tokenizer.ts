import type { Tokenizer } from '@mlc-ai/web-tokenizers';
import type { TextTokenizer } from '../../generation/tokens';
import { EngineError } from '../chat-engine';

/** The part of web-tokenizers' `Tokenizer` the adapter needs. */
export type WebTokenizer = Pick<Tokenizer, 'encode' | 'decode' | 'getVocabSize' | 'dispose'>;

/** A loaded `tokenizer.json`; `dispose` frees its wasm-side memory, after which it must not be used. */
export interface HfTokenizer extends TextTokenizer {
  dispose(): void;
}

const startsWith = (ids: readonly number[], prefix: readonly number[]): boolean =>
  prefix.every((id, index) => ids[index] === id);

/**
 * The generation code's tokenizer over a web-tokenizers one. Its `encode` gives the ids without special
 * tokens, which `promptTokenIds` needs to put exactly one BOS in front. Its `decode` is the tokenizer's
 * decoder as is: special tokens come out as text (`<s>`, `</s>`), and Llama's decoder drops one leading
 * space, so decoding an answer on its own loses the space its first token starts with.
 *
 * @throws EngineError `model-files-corrupt` if the tokenizer adds special tokens anywhere but in front.
 */
export function wrapTokenizer(tokenizer: WebTokenizer): HfTokenizer {
  // web-tokenizers 0.1.6 does not run the post-processor (Llama's TemplateProcessing would add `<s>`), but
  // nothing in its API promises that. Whatever the post-processor adds, it adds around "" as well (the
  // normalizer leaves "" empty), so encoding "" tells which leading ids to strip: none today.
  const added = Array.from(tokenizer.encode(''));
  if (added.length > 0 && !startsWith(Array.from(tokenizer.encode('a')), added)) {
    throw new EngineError(
      'model-files-corrupt',
      `tokenizer.json adds special tokens [${added.join(', ')}] after the text; only a leading BOS can be stripped.`,
    );
  }
  return {
    encode: (text) => Array.from(tokenizer.encode(text)).slice(added.length),
    decode: (ids) => tokenizer.decode(Int32Array.from(ids)),
    vocabSize: tokenizer.getVocabSize(),
    dispose: () => tokenizer.dispose(),
  };
}

/**
 * Loads the model's `tokenizer.json` (the Hugging Face fast tokenizer) in the worker.
 *
 * @throws EngineError `model-files-corrupt` if web-tokenizers cannot load the file or `wrapTokenizer` rejects it.
 */
export async function loadHfTokenizer(json: ArrayBuffer): Promise<HfTokenizer> {
  // Imported here rather than at the top: the package is a UMD file in a `"type": "module"` package, which
  // Vite bundles as CommonJS but Node's ESM loader cannot import, and Node tests import this module for
  // `wrapTokenizer` (they load web-tokenizers through a `.cjs` copy instead, see src/test/mini-tokenizer.ts).
  const { Tokenizer } = await import('@mlc-ai/web-tokenizers');
  let tokenizer: Tokenizer;
  try {
    tokenizer = await Tokenizer.fromJSON(json);
  } catch (error) {
    // The Rust side panics on JSON it cannot read, which reaches us as a bare wasm "Aborted()".
    const detail = error instanceof Error ? error.message : String(error);
    throw new EngineError('model-files-corrupt', `tokenizer.json could not be loaded: ${detail}`);
  }
  try {
    return wrapTokenizer(tokenizer);
  } catch (error) {
    tokenizer.dispose();
    throw error;
  }
}
