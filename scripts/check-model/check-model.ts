import { estimateGpuMemory, type GpuMemoryEstimate } from '../../src/engine/gpu-memory';
import type { ModelCatalog, ModelRecord } from '../../src/engine/model-records';
import { checkChatConfig } from './chat-config';
import { count, FindingsBuilder, type Findings, type Problem, type Rule } from './findings';
import { checkLibrary } from './library';
import { readLocation, type Fetched, type Fetcher, type ModelSource } from './model-source';
import { checkTensorCache } from './tensor-cache';
import { checkTokenizer, kullmTokenizerExpectations, type TokenizerExpectations } from './tokenizer';
import { installedWebLlmRuntime, type WebLlmRuntime } from './web-llm-runtime';

export interface CheckModelOptions {
  /** The records to check against: model-config/models.json, or a test's. */
  readonly catalog: ModelCatalog;
  /** The record's id; without it, the folder's name or the library in it tells. */
  readonly modelId?: string | undefined;
  /** A path or URL of the model's Hugging Face `config.json`, when the folder has none. */
  readonly sourceConfig?: string | undefined;
  readonly fetcher?: Fetcher | undefined;
  /** What the tokenizer must do; the real model's by default (tests use a small tokenizer). */
  readonly tokenizer?: TokenizerExpectations | undefined;
  /** web-llm's contract with a library; read from the installed web-llm by default. */
  readonly runtime?: WebLlmRuntime | undefined;
}

export interface WindowEstimate {
  readonly contextWindow: number;
  readonly estimate: GpuMemoryEstimate;
}

export interface ModelReport {
  readonly location: string;
  readonly record: ModelRecord | undefined;
  /** How the record was chosen, or why none could be. */
  readonly recordReason: string;
  readonly findings: readonly Findings[];
  /** The GPU memory the app plans for each window of the build: information, never a problem. */
  readonly gpuMemory: readonly WindowEstimate[];
}

export const problemsOf = (report: ModelReport): readonly Problem[] =>
  report.findings.flatMap((findings) => findings.problems);

type Choice =
  | { readonly ok: true; readonly record: ModelRecord; readonly how: string }
  | { readonly ok: false; readonly reason: string };

/** `--model`, else the folder's name, else the one library of the catalog that the folder holds. */
async function chooseRecord(
  source: ModelSource,
  catalog: ModelCatalog,
  modelId: string | undefined,
): Promise<Choice> {
  const ids = catalog.models.map((model) => model.id).join(', ');
  if (modelId !== undefined) {
    const record = catalog.models.find((model) => model.id === modelId);
    return record
      ? { ok: true, record, how: 'from --model' }
      : { ok: false, reason: `--model ${modelId} is not in model-config/models.json; its ids are ${ids}.` };
  }
  const named = catalog.models.find((model) => model.id === source.nameHint);
  if (named) return { ok: true, record: named, how: 'the folder’s name' };
  const sizes = await Promise.all(catalog.models.map((model) => source.size(model.modelLib)));
  const holding = catalog.models.filter((_, index) => sizes[index]?.ok === true);
  const [only] = holding;
  if (holding.length === 1 && only) return { ok: true, record: only, how: `its library ${only.modelLib}` };
  const libraries = catalog.models.map((model) => model.modelLib).join(', ');
  return {
    ok: false,
    reason:
      `Cannot tell which build of model-config/models.json ${source.location} is: ` +
      `${source.nameHint === undefined ? 'it has no folder name' : `its name "${source.nameHint}" is no model id`}, and it ` +
      (holding.length === 0
        ? `holds none of the libraries (${libraries})`
        : `holds several libraries (${holding.map((model) => model.modelLib).join(', ')})`) +
      `. Pass --model <id>, one of ${ids}.`,
  };
}

const HOW_MADE: Readonly<Record<string, string>> = {
  'mlc-chat-config.json': '`mlc_llm gen_config` writes it and write-chat-config.ts rewrites it',
  'tokenizer.json': '`mlc_llm gen_config` copies it from the model download',
  'tensor-cache.json': '`mlc_llm convert_weight` writes it with the shards',
};

function missing(subject: string, file: string, fetched: Fetched<unknown> & { ok: false }): Findings {
  const findings = new FindingsBuilder(subject);
  const how =
    HOW_MADE[file] ?? '`mlc_llm compile` writes it under the name modelLib of model-config/models.json';
  findings.problem(
    'missing-file',
    `${file} is missing (${fetched.reason}): ${how}; copy it from the build output (model-config/build/build.sh).`,
  );
  return findings.build();
}

function parseJson(
  subject: string,
  bytes: Uint8Array,
  rule: Rule,
  fix: string,
): { ok: true; value: unknown } | Findings {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
  } catch (error) {
    const findings = new FindingsBuilder(subject);
    findings.problem(
      rule,
      `${subject} is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${fix}.`,
    );
    return findings.build();
  }
}

const copyAgain = 'copy it again from the build output';

async function sourceConfigOf(
  source: ModelSource,
  options: CheckModelOptions,
): Promise<{ origin: string; value: unknown } | Findings | undefined> {
  const location = options.sourceConfig;
  const fetched =
    location === undefined ? await source.read('config.json') : await readLocation(location, options.fetcher);
  if (!fetched.ok) {
    if (location === undefined) return undefined;
    const findings = new FindingsBuilder('config.json');
    findings.problem(
      'trained-context',
      `--source-config: ${fetched.reason}: give the Hugging Face config.json of kfkas/Llama-2-ko-7b-Chat.`,
    );
    return findings.build();
  }
  const origin = location ?? source.where('config.json');
  const parsed = parseJson(
    'config.json',
    fetched.value,
    'trained-context',
    'give the Hugging Face config.json of kfkas/Llama-2-ko-7b-Chat',
  );
  return 'ok' in parsed ? { origin, value: parsed.value } : parsed;
}

/** Checks a model folder (or URL) as the app would load it for one record of the catalog. */
export async function checkModel(source: ModelSource, options: CheckModelOptions): Promise<ModelReport> {
  const { catalog } = options;
  const choice = await chooseRecord(source, catalog, options.modelId);
  if (!choice.ok) {
    const findings = new FindingsBuilder('model-config/models.json');
    findings.problem('record', choice.reason);
    return {
      location: source.location,
      record: undefined,
      recordReason: 'unknown',
      findings: [findings.build()],
      gpuMemory: [],
    };
  }
  const { record } = choice;
  const vocabSize = catalog.architecture.vocabSize;
  const results: Findings[] = [];

  const configFile = await source.read('mlc-chat-config.json');
  if (!configFile.ok) {
    results.push(missing('mlc-chat-config.json', 'mlc-chat-config.json', configFile));
  } else {
    const config = parseJson('mlc-chat-config.json', configFile.value, 'config-invalid', copyAgain);
    const sourceConfig = await sourceConfigOf(source, options);
    if (sourceConfig && 'problems' in sourceConfig) results.push(sourceConfig);
    if ('problems' in config) {
      results.push(config);
    } else {
      results.push(
        checkChatConfig(config.value, {
          record,
          vocabSize,
          configPath: source.where('mlc-chat-config.json'),
          sourceConfig: sourceConfig && !('problems' in sourceConfig) ? sourceConfig : undefined,
        }),
      );
    }
  }

  const tokenizerFile = await source.read('tokenizer.json');
  results.push(
    tokenizerFile.ok
      ? await checkTokenizer(tokenizerFile.value, options.tokenizer ?? kullmTokenizerExpectations(vocabSize))
      : missing('tokenizer.json', 'tokenizer.json', tokenizerFile),
  );

  const cacheFile = await source.read('tensor-cache.json');
  if (!cacheFile.ok) {
    results.push(missing('tensor-cache.json', 'tensor-cache.json', cacheFile));
  } else {
    const cache = parseJson('tensor-cache.json', cacheFile.value, 'tensor-cache-invalid', copyAgain);
    results.push(
      'problems' in cache
        ? cache
        : await checkTensorCache(cache.value, { record, vocabSize, sizeOf: (file) => source.size(file) }),
    );
  }

  const libraryFile = await source.read(record.modelLib);
  results.push(
    libraryFile.ok
      ? await checkLibrary(libraryFile.value, {
          record,
          runtime: options.runtime ?? installedWebLlmRuntime(),
        })
      : missing(record.modelLib, record.modelLib, libraryFile),
  );

  // The same figures as gpuMemoryOf and windowsOf of src/engine/model-records.ts, for the catalog given.
  const gpuMemory = catalog.contextWindows
    .filter((window) => window <= record.contextWindow)
    .map((contextWindow) => ({
      contextWindow,
      estimate: estimateGpuMemory(catalog.architecture, record, contextWindow),
    }));
  return { location: source.location, record, recordReason: choice.how, findings: results, gpuMemory };
}

const MIB = 2 ** 20;

/** The report as printed: one line per problem, then what passed, what was not checked, and the estimates. */
export function formatReport(report: ModelReport): string[] {
  const lines: string[] = [];
  const { record } = report;
  lines.push(
    record
      ? `Checking ${report.location} as ${record.id} (${record.quantization}; ${report.recordReason}).`
      : `Checking ${report.location}.`,
  );
  const problems = problemsOf(report);
  for (const problem of problems) lines.push(`✗ ${problem.message}`);
  const passed = report.findings.filter((findings) => findings.passed.length > 0);
  if (passed.length > 0) {
    lines.push('Passed:');
    for (const findings of passed) lines.push(`  ✓ ${findings.subject}: ${findings.passed.join('; ')}`);
  }
  const notes = report.findings.flatMap((findings) => findings.notes);
  if (notes.length > 0) {
    lines.push('Not checked:');
    for (const note of notes) lines.push(`  - ${note}`);
  }
  if (report.gpuMemory.length > 0) {
    const windows = report.gpuMemory.map(
      ({ contextWindow, estimate }) =>
        `${count(contextWindow)} tokens ${count(Math.round(estimate.totalBytes / MIB))} MiB`,
    );
    lines.push(`GPU memory the app plans for (estimate, by context window): ${windows.join(' · ')}`);
  }
  lines.push(
    problems.length === 0
      ? 'All checks passed.'
      : `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}: fix ${problems.length === 1 ? 'it' : 'them'} before publishing this build.`,
  );
  return lines;
}
