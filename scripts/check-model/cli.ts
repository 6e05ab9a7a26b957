import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ModelCatalog } from '../../src/engine/model-records';
import { checkModel, formatReport, problemsOf } from './check-model';
import { openModelSource, type Fetcher } from './model-source';
import type { TokenizerExpectations } from './tokenizer';
import type { WebLlmRuntime } from './web-llm-runtime';

export const USAGE = [
  'Usage: npm run check-model -- <model folder or http(s) URL of one> [--model <id>] [--source-config <config.json>]',
  '',
  'Checks a build of the model as the app loads it (mlc-chat-config.json, tokenizer.json, tensor-cache.json and',
  'its shards, the library) against model-config/models.json and the installed web-llm. --model names the',
  'record (default: the folder’s name, or the library it holds); --source-config is the Hugging Face',
  'config.json to check the context window against when the folder has none.',
  'Exit status: 0 when every check passes, 1 on problems, 2 when the command is wrong or cannot run.',
].join('\n');

export interface CheckModelEnvironment {
  readonly catalog: ModelCatalog;
  /** Prints one line. */
  readonly write: (line: string) => void;
  readonly fetcher?: Fetcher;
  readonly tokenizer?: TokenizerExpectations;
  readonly runtime?: WebLlmRuntime;
}

/** `npm run check-model`, without the process: returns the exit status. */
export async function runCheckModel(
  args: readonly string[],
  environment: CheckModelEnvironment,
): Promise<number> {
  const { write } = environment;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        'source-config': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    write(`check-model: ${error instanceof Error ? error.message : String(error)}`);
    write(USAGE);
    return 2;
  }
  if (parsed.values.help === true) {
    write(USAGE);
    return 0;
  }
  const [location, ...extra] = parsed.positionals;
  if (location === undefined || extra.length > 0) {
    write(USAGE);
    return 2;
  }
  if (!/^https?:\/\//i.test(location)) {
    const found = await stat(location).catch(() => undefined);
    if (!found?.isDirectory()) {
      write(
        `check-model: ${location} is not a folder (give the folder with mlc-chat-config.json, or its URL).`,
      );
      return 2;
    }
  }
  try {
    const report = await checkModel(openModelSource(location, environment.fetcher), {
      catalog: environment.catalog,
      modelId: parsed.values.model,
      sourceConfig: parsed.values['source-config'],
      fetcher: environment.fetcher,
      tokenizer: environment.tokenizer,
      runtime: environment.runtime,
    });
    for (const line of formatReport(report)) write(line);
    return problemsOf(report).length === 0 ? 0 : 1;
  } catch (error) {
    // Not a problem of the build: the checker itself cannot run (e.g. web-llm's bundle changed shape).
    write(`check-model: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}
