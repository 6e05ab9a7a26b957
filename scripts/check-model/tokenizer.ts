import type { Tokenizer } from '@mlc-ai/web-tokenizers';
import { wrapTokenizer } from '../../src/engine/web-llm/hf-tokenizer';
import { BOS_ID, EOS_ID } from '../../src/generation/tokens';
import { loadWebTokenizersInNode } from '../web-tokenizers-node';
import { count, FindingsBuilder, shown, type Findings } from './findings';

/** Llama-2's own vocabulary; kfkas/Llama-2-ko-7b-Chat (from beomi/llama-2-ko-7b) adds Korean tokens above it. */
export const LLAMA2_VOCAB_SIZE = 32_000;

export interface TokenizerExpectations {
  /** How many ids the tokenizer knows, special tokens included. */
  readonly vocabSize: number;
  readonly bos: { readonly id: number; readonly token: string };
  readonly eos: { readonly id: number; readonly token: string };
  /** Text that must come back unchanged from decode(encode(text)), and use the extended vocabulary. */
  readonly sample: string;
  /** The first id of the extended vocabulary: a tokenizer without it encodes `sample` with ids below. */
  readonly extendedFrom: number;
}

/**
 * What the real `tokenizer.json` of kfkas/Llama-2-ko-7b-Chat must do. The ids it gives the sample are not
 * checked one by one: they were never recorded from the real tokenizer (this repository has no copy of it
 * and its tests run offline), so the check is that Korean words come out as tokens of the extension, which
 * a Llama-2 tokenizer without it cannot produce (it falls back to its few Hangul syllables and to bytes).
 */
export function kullmTokenizerExpectations(vocabSize: number): TokenizerExpectations {
  return {
    vocabSize,
    bos: { id: BOS_ID, token: '<s>' },
    eos: { id: EOS_ID, token: '</s>' },
    sample: '한국어 문장을 토큰으로 나누었다가 다시 이어 붙여도 똑같아야 합니다.',
    extendedFrom: LLAMA2_VOCAB_SIZE,
  };
}

async function load(bytes: Uint8Array): Promise<Tokenizer> {
  // A copy: fromJSON takes an ArrayBuffer, and the bytes may be a view into a larger one.
  return loadWebTokenizersInNode().fromJSON(bytes.slice().buffer);
}

/** The ids the sample was encoded to, for tests and for the summary. */
export interface TokenizerFindings extends Findings {
  readonly sampleIds: readonly number[] | undefined;
}

const copyTokenizer =
  'copy the fast tokenizer (tokenizer.json) of kfkas/Llama-2-ko-7b-Chat into the folder (gen_config copies it from the download)';

/** Loads `tokenizer.json` with `@mlc-ai/web-tokenizers`, as the worker does, and tries it. */
export async function checkTokenizer(
  bytes: Uint8Array,
  expected: TokenizerExpectations,
): Promise<TokenizerFindings> {
  const findings = new FindingsBuilder('tokenizer.json');
  try {
    JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    // Checked here: the Rust side aborts on text that is not JSON, with a bare "Aborted()".
    findings.problem(
      'tokenizer-invalid',
      `tokenizer.json is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${copyTokenizer}.`,
    );
    return { ...findings.build(), sampleIds: undefined };
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = await load(bytes);
  } catch (error) {
    findings.problem(
      'tokenizer-invalid',
      `@mlc-ai/web-tokenizers cannot load tokenizer.json (${error instanceof Error ? error.message : String(error)}): ${copyTokenizer}.`,
    );
    return { ...findings.build(), sampleIds: undefined };
  }
  try {
    const size = tokenizer.getVocabSize();
    if (size === expected.vocabSize) {
      findings.pass(`${count(size)} tokens`);
    } else {
      findings.problem(
        'tokenizer-vocab',
        `tokenizer.json has ${count(size)} tokens, expected ${count(expected.vocabSize)} (Llama-2's ` +
          `${count(LLAMA2_VOCAB_SIZE)} and the Korean extension): it is not this model's tokenizer; ${copyTokenizer}.`,
      );
    }

    const specials = findings.problemCount;
    for (const { id, token } of [expected.bos, expected.eos]) {
      const actual = tokenizer.idToToken(id);
      if (actual !== token) {
        findings.problem(
          'tokenizer-special-tokens',
          `tokenizer.json: id ${id} is ${shown(actual)}, expected ${shown(token)} (the app feeds ${BOS_ID} as BOS and ` +
            `stops at ${EOS_ID}): ${copyTokenizer}.`,
        );
      }
    }
    findings.passIfClean(
      specials,
      `${expected.bos.token} ${expected.bos.id}, ${expected.eos.token} ${expected.eos.id}`,
    );

    let wrapped: ReturnType<typeof wrapTokenizer>;
    try {
      // The worker's adapter: strips what encode adds in front, refuses a tokenizer that adds more.
      wrapped = wrapTokenizer(tokenizer);
    } catch (error) {
      findings.problem(
        'tokenizer-invalid',
        `tokenizer.json: ${error instanceof Error ? error.message : String(error)}: ${copyTokenizer}.`,
      );
      return { ...findings.build(), sampleIds: undefined };
    }
    const ids = wrapped.encode(expected.sample);
    const text = wrapped.decode(ids);
    if (text === expected.sample) {
      findings.pass(`a Korean sentence comes back unchanged (${ids.length} tokens)`);
    } else {
      findings.problem(
        'tokenizer-round-trip',
        `tokenizer.json changes text: ${shown(expected.sample)} encoded and decoded is ${shown(text)}, so prompts ` +
          `and answers would not be what the model saw; ${copyTokenizer}.`,
      );
    }
    const extended = ids.filter((id) => id >= expected.extendedFrom);
    if (extended.length > 0) {
      findings.pass(
        `${extended.length} of them from the Korean extension (ids ≥ ${count(expected.extendedFrom)})`,
      );
    } else {
      findings.problem(
        'tokenizer-korean',
        `tokenizer.json encodes ${shown(expected.sample)} with no id at or above ${count(expected.extendedFrom)} ` +
          `(${shown(ids)}): it lacks the Korean vocabulary and falls back to Llama-2's tokens and bytes; ${copyTokenizer}.`,
      );
    }
    return { ...findings.build(), sampleIds: ids };
  } finally {
    tokenizer.dispose();
  }
}
