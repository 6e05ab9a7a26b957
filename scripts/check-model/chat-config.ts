import * as v from 'valibot';
import { kullmConvTemplate } from '../../model-config/build/conv-template';
import type { ModelRecord } from '../../src/engine/model-records';
import { check, object } from '../../src/schema/issues';
import { BOS_ID } from '../../src/generation/tokens';
import { count, FindingsBuilder, shown, type Findings, type Rule } from './findings';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys sorted at every level: two templates are the same when their canonical JSON is the same string. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])]),
  );
}

const sameJson = (a: unknown, b: unknown): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

interface Difference {
  readonly path: string;
  readonly actual: unknown;
  readonly expected: unknown;
}

/** The first field, in the expected template's order, where `actual` differs from `expected`. */
function firstDifference(actual: unknown, expected: unknown, path: string): Difference | undefined {
  if (sameJson(actual, expected)) return undefined;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    for (let index = 0; index < Math.max(actual.length, expected.length); index++) {
      const found = firstDifference(actual[index], expected[index], `${path}[${index}]`);
      if (found) return found;
    }
  }
  if (isObject(actual) && isObject(expected)) {
    const keys = [...Object.keys(expected), ...Object.keys(actual).filter((key) => !(key in expected))];
    for (const key of keys) {
      const found = firstDifference(actual[key], expected[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return { path, actual, expected };
}

const trainedPositions = object({
  max_position_embeddings: v.pipe(
    v.number('must be a whole number of positions'),
    v.safeInteger('must be a whole number of positions'),
    v.gtValue(0, 'must be a positive number of positions'),
  ),
});

export interface ChatConfigExpectations {
  readonly record: ModelRecord;
  /** The model's vocabulary (`architecture.vocabSize` of the catalog: 46,336). */
  readonly vocabSize: number;
  /** Where the file is, for the command that rewrites it. */
  readonly configPath: string;
  /** The model's Hugging Face `config.json`, when there is one to bound the window by. */
  readonly sourceConfig: { readonly origin: string; readonly value: unknown } | undefined;
}

/**
 * `mlc-chat-config.json` against the project: the kullm template, the vocabulary and special ids web-llm reads
 * (`vocab_size`, `bos_token_id`; `eos_token_id` as gen_config copies it), the window and prefill chunk of the
 * record, and the sampling defaults `write-chat-config.ts` writes.
 */
export function checkChatConfig(config: unknown, expected: ChatConfigExpectations): Findings {
  const findings = new FindingsBuilder('mlc-chat-config.json');
  if (!isObject(config)) {
    findings.problem(
      'config-invalid',
      'mlc-chat-config.json does not hold a JSON object: copy the one the build wrote (model-config/build/build.sh).',
    );
    return findings.build();
  }
  const { record, vocabSize, configPath } = expected;
  const rewrite = `rewrite it with \`npx tsx model-config/build/write-chat-config.ts ${configPath}\``;
  const modelConfig = isObject(config.model_config) ? config.model_config : undefined;
  const field = (
    rule: Rule,
    name: string,
    actual: unknown,
    wanted: unknown,
    why: string,
    fix: string,
  ): boolean => {
    if (sameJson(actual, wanted)) return true;
    findings.problem(
      rule,
      `mlc-chat-config.json: ${name} is ${shown(actual)}, expected ${shown(wanted)} (${why}): ${fix}.`,
    );
    return false;
  };

  if (config.quantization !== undefined) {
    field(
      'quantization',
      'quantization',
      config.quantization,
      record.quantization,
      `${record.id} is the ${record.quantization} build`,
      'this folder holds another build; put each build under its own model id, or pass the right --model',
    );
  }

  const template = firstDifference(config.conv_template, kullmConvTemplate(), 'conv_template');
  if (template) {
    findings.problem(
      'conv-template',
      `mlc-chat-config.json: ${template.path} is ${shown(template.actual)} where kullmConvTemplate() has ` +
        `${shown(template.expected)}, so web-llm would not build the kullm prompt: ${rewrite} ` +
        '(build.sh does, before compiling).',
    );
  } else {
    findings.pass('the kullm conv_template');
  }

  const before = findings.problemCount;
  const rebuildFromModel =
    'it was generated from another model; build again from kfkas/Llama-2-ko-7b-Chat (build.sh checks the download)';
  field('vocab-size', 'vocab_size', config.vocab_size, vocabSize, 'the Korean vocabulary', rebuildFromModel);
  if (modelConfig && 'vocab_size' in modelConfig) {
    field(
      'vocab-size',
      'model_config.vocab_size',
      modelConfig.vocab_size,
      vocabSize,
      'the Korean vocabulary the library is compiled for',
      rebuildFromModel,
    );
  }
  findings.passIfClean(before, `vocab_size ${count(vocabSize)}`);

  const eos = record.generation.eosTokenId;
  const special = findings.problemCount;
  field(
    'special-token-ids',
    'bos_token_id',
    config.bos_token_id,
    BOS_ID,
    'web-llm starts every prompt with <s>',
    rebuildFromModel,
  );
  // gen_config copies the Hugging Face value, a number or a list of them; web-llm itself stops at
  // conv_template.stop_token_ids.
  if (!sameJson(config.eos_token_id, [eos])) {
    field(
      'special-token-ids',
      'eos_token_id',
      config.eos_token_id,
      eos,
      '</s> ends an answer',
      rebuildFromModel,
    );
  }
  findings.passIfClean(special, `bos_token_id ${BOS_ID}, eos_token_id ${eos}`);

  /** A size the config holds at its top level and, when present, in `model_config` too. */
  const sizeField = (
    rule: 'context-window' | 'prefill-chunk',
    name: 'context_window_size' | 'prefill_chunk_size',
    value: number,
    recordField: string,
    fix: string,
  ): void => {
    const before = findings.problemCount;
    const from = `${recordField} of ${record.id} in model-config/models.json`;
    field(rule, name, config[name], value, from, fix);
    if (modelConfig && name in modelConfig)
      field(rule, `model_config.${name}`, modelConfig[name], value, from, fix);
    findings.passIfClean(
      before,
      `${rule === 'context-window' ? 'context window' : 'prefill chunk'} ${count(value)}`,
    );
  };
  sizeField(
    'context-window',
    'context_window_size',
    record.contextWindow,
    'contextWindow',
    'build again (build.sh writes models.json’s contextWindow before compiling), or correct contextWindow in model-config/models.json',
  );

  if (expected.sourceConfig) {
    const trained = check(trainedPositions, expected.sourceConfig.value, '');
    if (!trained.ok) {
      findings.problem(
        'trained-context',
        `${expected.sourceConfig.origin}: ${trained.reason}, so the window cannot be checked against the ` +
          'positions the model was trained on: use the Hugging Face config.json of kfkas/Llama-2-ko-7b-Chat.',
      );
    } else if (
      typeof config.context_window_size === 'number' &&
      config.context_window_size > trained.value.max_position_embeddings
    ) {
      const positions = trained.value.max_position_embeddings;
      findings.problem(
        'trained-context',
        `mlc-chat-config.json: context_window_size ${count(config.context_window_size)} is above ` +
          `max_position_embeddings ${count(positions)} of ${expected.sourceConfig.origin}: positions past ` +
          `${count(positions)} were never trained and long conversations would quietly degrade; set contextWindow to ` +
          `${count(positions)} or less in model-config/models.json and build again.`,
      );
    } else {
      findings.pass(`within max_position_embeddings ${count(trained.value.max_position_embeddings)}`);
    }
  } else {
    findings.note(
      'context_window_size against max_position_embeddings: the folder has no Hugging Face config.json ' +
        '(gen_config does not copy it; build.sh checks the download before converting). Pass ' +
        '--source-config <config.json> to check it here.',
    );
  }

  sizeField(
    'prefill-chunk',
    'prefill_chunk_size',
    record.prefillChunkSize,
    'prefillChunkSize',
    `build again with PREFILL_CHUNK_SIZE=${record.prefillChunkSize} (the library is compiled with it), or correct prefillChunkSize in model-config/models.json`,
  );

  const sampling = findings.problemCount;
  const { temperature, topP, repetitionPenalty } = record.generation;
  const samplingFields: readonly (readonly [string, number, string])[] = [
    ['temperature', temperature, 'generation.temperature'],
    ['top_p', topP, 'generation.topP'],
    ['repetition_penalty', repetitionPenalty, 'generation.repetitionPenalty'],
    ['presence_penalty', 0, 'the model card has none'],
    ['frequency_penalty', 0, 'the model card has none'],
  ];
  for (const [name, wanted, source] of samplingFields) {
    field(
      'sampling',
      name,
      config[name],
      wanted,
      source.startsWith('generation.') ? `${source} of ${record.id} in model-config/models.json` : source,
      rewrite,
    );
  }
  findings.passIfClean(
    sampling,
    `the model card's sampling (temperature ${temperature}, top_p ${topP}, repetition_penalty ${repetitionPenalty})`,
  );
  return findings.build();
}
