import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { kullmConvTemplate } from '../model-config/build/conv-template';
import {
  checkTrainedContext,
  contextWindowFor,
  KULLM_VOCAB_SIZE,
  rewriteChatConfig,
  writeChatConfig,
} from '../model-config/build/write-chat-config';
import { formatKullmPrompt, type KullmTurn } from '../src/generation/kullm';
import { seededRandom } from '../src/generation/random';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** The parts of web-llm's `Conversation` (lib/index.js) that the engine calls to build a chat prompt. */
interface WebLlmConversation {
  appendMessage(role: string, message: string): void;
  appendReplyHeader(role: string): void;
  finishReply(message: string): void;
  getPromptArray(): unknown[];
  getPromptArrayLastRound(): unknown[];
  getArtifactPromptSegments(): unknown[];
}

interface WebLlmConversationModule {
  getConversationFromChatCompletionRequest(
    request: { messages: readonly ChatMessage[] },
    config: { conv_template: unknown; conv_config?: unknown },
  ): WebLlmConversation;
  compareConversationObject(a: WebLlmConversation, b: WebLlmConversation): boolean;
}

function slice(source: string, from: string, to: string, includeTo = false): string {
  const start = source.indexOf(from);
  const end = start < 0 ? -1 : source.indexOf(to, start);
  if (end < 0) {
    throw new Error(
      `@mlc-ai/web-llm changed: "${from}" … "${to}" not found; update this test to its new code.`,
    );
  }
  return source.slice(start, includeTo ? end + to.length : end);
}

/**
 * web-llm exports neither `Conversation` nor `getConversation`, so its own code is cut out of the installed
 * bundle and run here: a re-implementation would only test our reading of it. The slices are checked, so an
 * upgrade that moves the code fails loudly instead of testing something else.
 */
function loadWebLlmConversation(): WebLlmConversationModule {
  const bundle = readFileSync(createRequire(import.meta.url).resolve('@mlc-ai/web-llm'), 'utf8');
  const enums = slice(bundle, 'var Role;', '})(MessagePlaceholders || (MessagePlaceholders = {}));', true);
  const conversation = slice(bundle, 'class Conversation {', 'function audioError(');
  const errors = [
    'MultipleTextContentError',
    'TextCompletionConversationError',
    'TextCompletionConversationExpectsPrompt',
    'MessageOrderError',
    'SystemMessageOrderError',
    'ContentTypeError',
    'UnsupportedRoleError',
  ]
    .map(
      (name) => `class ${name} extends Error { constructor(m) { super(String(m)); this.name = '${name}'; } }`,
    )
    .join('\n');
  const code = `${enums}\n${errors}\n${conversation}\n({ getConversationFromChatCompletionRequest, compareConversationObject })`;
  return vm.runInNewContext(code, {}) as WebLlmConversationModule;
}

const webLlm = loadWebLlmConversation();

const text = (segments: readonly unknown[]): string =>
  segments
    .map((segment) => {
      if (typeof segment !== 'string') throw new TypeError('Expected text-only prompt segments.');
      return segment;
    })
    .join('');

/** What web-llm's engine does for a chat request on an empty KV cache: every message, then the reply header. */
function renderFresh(convTemplate: unknown, turns: readonly ChatMessage[]): WebLlmConversation {
  const conversation = webLlm.getConversationFromChatCompletionRequest(
    { messages: turns },
    { conv_template: convTemplate },
  );
  const last = turns.at(-1);
  if (!last) throw new Error('No turns.');
  conversation.appendMessage('user', last.content);
  conversation.appendReplyHeader('assistant');
  return conversation;
}

const user = (content: string): KullmTurn => ({ role: 'user', content });
const assistant = (content: string): KullmTurn => ({ role: 'assistant', content });

const conversations: Record<string, KullmTurn[]> = {
  '1 user turn': [user('한국의 수도는 어디인가요?')],
  '2 user turns': [user('안녕'), assistant(' 안녕하세요! 무엇을 도와드릴까요?'), user('서울을 소개해 줘.')],
  '3 user turns': [
    user('첫 질문\n\n둘째 단락'),
    assistant('\n첫 답'),
    user(''),
    assistant(' 👩‍💻 $& $$\r\n'),
    user('### 응답: 은 제목입니다'),
  ],
};

describe('the kullm conv_template, rendered by web-llm 0.2.86', () => {
  it('is the web-llm version this test cut the code from', () => {
    const manifest = JSON.parse(
      readFileSync(path.join(root, 'node_modules/@mlc-ai/web-llm/package.json'), 'utf8'),
    ) as { version: string };
    expect(manifest.version).toBe('0.2.86');
  });

  it.each(Object.entries(conversations))('gives formatKullmPrompt for %s', (_name, turns) => {
    const conversation = renderFresh(kullmConvTemplate(), turns);
    expect(text(conversation.getPromptArray())).toBe(formatKullmPrompt(turns));
    // The path web-llm takes for models packaged with an artifact manifest renders the same text.
    expect(text(conversation.getArtifactPromptSegments())).toBe(formatKullmPrompt(turns));
  });

  it('gives formatKullmPrompt when web-llm continues a conversation in its KV cache', () => {
    const random = seededRandom(4242);
    const pieces = ['질문', ' 답', '\n', '\n\n', '### 명령어:', '### 응답:', '🇰🇷', '$&', ' ', 'x'];
    const say = (): string =>
      Array.from(
        { length: Math.floor(random() * 6) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
    for (let run = 0; run < 50; run++) {
      const turns: KullmTurn[] = [user(say())];
      const stored = renderFresh(kullmConvTemplate(), turns);
      // What the KV cache holds: the first prompt, then each generated answer and each later round.
      let fed = text(stored.getPromptArray());
      for (let round = 0; round < 4; round++) {
        const answer = say();
        stored.finishReply(answer);
        fed += answer;
        turns.push(assistant(answer), user(say()));
        const request = webLlm.getConversationFromChatCompletionRequest(
          { messages: turns },
          { conv_template: kullmConvTemplate() },
        );
        expect(webLlm.compareConversationObject(stored, request)).toBe(true);
        stored.appendMessage('user', turns.at(-1)?.content ?? '');
        stored.appendReplyHeader('assistant');
        fed += text(stored.getPromptArrayLastRound());
        expect(fed).toBe(formatKullmPrompt(turns));
      }
    }
  });

  it('starts with BOS and stops at EOS only', () => {
    const template = kullmConvTemplate();
    expect(template.system_prefix_token_ids).toEqual([1]);
    expect(template.stop_token_ids).toEqual([2]);
    expect(template.stop_str).toEqual([]);
  });

  it('leaves out role_templates, which web-llm fills with String.replace', () => {
    const turns = [user('가격은 $& 와 $$ 입니다')];
    const withRoleTemplates = { ...kullmConvTemplate(), role_templates: { user: '{user_message}' } };
    expect(text(renderFresh(withRoleTemplates, turns).getPromptArray())).not.toBe(formatKullmPrompt(turns));
    expect(kullmConvTemplate()).not.toHaveProperty('role_templates');
    expect(text(renderFresh(kullmConvTemplate(), turns).getPromptArray())).toBe(formatKullmPrompt(turns));
  });
});

/** Trimmed from what `mlc_llm gen_config --conv-template LM` writes for this model. */
function genConfigOutput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0.1.0',
    model_type: 'llama',
    quantization: 'q4f16_1',
    model_config: {
      hidden_size: 4096,
      vocab_size: 46336,
      context_window_size: 4096,
      prefill_chunk_size: 1024,
    },
    vocab_size: 46336,
    context_window_size: 4096,
    sliding_window_size: -1,
    prefill_chunk_size: 1024,
    attention_sink_size: -1,
    tensor_parallel_shards: 1,
    active_vocab_size: 46336,
    temperature: 1.0,
    presence_penalty: 0.0,
    frequency_penalty: 0.0,
    repetition_penalty: 1.0,
    top_p: 1.0,
    tokenizer_files: ['tokenizer.model', 'tokenizer.json', 'tokenizer_config.json'],
    tokenizer_info: { token_postproc_method: 'byte_fallback', prepend_space_in_encode: false },
    conv_template: {
      name: 'LM',
      system_template: '{system_message}',
      system_message: '',
      roles: { user: '', assistant: '' },
      role_templates: { user: '{user_message}', assistant: '{assistant_message}', tool: '{tool_message}' },
      seps: [''],
      role_content_sep: '',
      role_empty_sep: '',
      stop_str: [],
      stop_token_ids: [2],
      system_prefix_token_ids: [1],
      add_role_after_system_message: true,
    },
    pad_token_id: 0,
    bos_token_id: 1,
    eos_token_id: 2,
    ...overrides,
  };
}

describe('write-chat-config', () => {
  const temporary: string[] = [];
  afterEach(() => {
    for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const fixture = (config: unknown): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mlc-chat-config-'));
    temporary.push(dir);
    const file = path.join(dir, 'mlc-chat-config.json');
    writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  };

  it('replaces the template and sets the context window and the model card sampling', () => {
    const rewritten = rewriteChatConfig(genConfigOutput({ context_window_size: 2048 }), 4096);
    expect(rewritten).toMatchObject({
      context_window_size: 4096,
      temperature: 1.0,
      top_p: 0.92,
      repetition_penalty: 1.2,
      presence_penalty: 0,
      frequency_penalty: 0,
    });
    // Replaced whole, so gen_config's role_templates do not survive.
    expect(rewritten.conv_template).toEqual(kullmConvTemplate());
  });

  it('keeps every other field and the key order', () => {
    const original = genConfigOutput();
    const rewritten = rewriteChatConfig(original, 4096);
    expect(Object.keys(rewritten)).toEqual(Object.keys(original));
    expect(rewritten.tokenizer_info).toEqual(original.tokenizer_info);
    expect(rewritten.model_config).toEqual(original.model_config);
  });

  it('refuses a config for another vocabulary', () => {
    expect(() => rewriteChatConfig(genConfigOutput({ vocab_size: 32000 }), 4096)).toThrow(
      /vocab_size is 32000/,
    );
    expect(() => rewriteChatConfig(genConfigOutput({ active_vocab_size: 32000 }), 4096)).toThrow(
      /active_vocab_size is 32000, below 46336: gen_config did not see the fast tokenizer/,
    );
    expect(KULLM_VOCAB_SIZE).toBe(46336);
  });

  it('takes the context window from models.json', () => {
    const catalog: unknown = JSON.parse(readFileSync(path.join(root, 'model-config/models.json'), 'utf8'));
    expect(contextWindowFor(catalog, 'q4f16_1')).toBe(4096);
    expect(contextWindowFor(catalog, 'q4f32_1')).toBe(4096);
    expect(() => contextWindowFor(catalog, 'q0f16')).toThrow(/no record/);
  });

  it('rewrites a file in place', () => {
    const file = fixture(genConfigOutput({ quantization: 'q4f32_1', context_window_size: 2048 }));
    expect(writeChatConfig(file, path.join(root, 'model-config/models.json'))).toBe(4096);
    const written = readFileSync(file, 'utf8');
    expect(written.endsWith('}\n')).toBe(true);
    expect(JSON.parse(written)).toEqual(
      rewriteChatConfig(genConfigOutput({ quantization: 'q4f32_1' }), 4096),
    );
  });

  // A tsx subprocess: seconds on a busy machine.
  it('runs as the command build.sh calls', { timeout: 60_000 }, () => {
    const file = fixture(genConfigOutput());
    const script = path.join(root, 'model-config/build/write-chat-config.ts');
    const run = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [script, file], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('context_window_size 4096');
    expect((JSON.parse(readFileSync(file, 'utf8')) as { conv_template: unknown }).conv_template).toEqual(
      kullmConvTemplate(),
    );

    const bad = spawnSync(
      path.join(root, 'node_modules/.bin/tsx'),
      [script, fixture(genConfigOutput({ vocab_size: 32000 }))],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('write-chat-config: vocab_size is 32000');
  });
});

describe('the trained context of the downloaded model', () => {
  const temporary: string[] = [];
  afterEach(() => {
    for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const sourceConfig = (config: unknown): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hf-config-'));
    temporary.push(dir);
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const script = path.join(root, 'model-config/build/write-chat-config.ts');

  it('lets a window within max_position_embeddings through and stops one beyond it with what to change', () => {
    expect(checkTrainedContext({ max_position_embeddings: 4096, vocab_size: 46336 }, 4096)).toBe(4096);
    expect(() => checkTrainedContext({ max_position_embeddings: 2048 }, 4096)).toThrow(
      'asks for a context window of 4096 tokens, but the model was trained on 2048 positions (max_position_embeddings in config.json)',
    );
    expect(() => checkTrainedContext({ vocab_size: 46336 }, 4096)).toThrow(/no max_position_embeddings/);
  });

  // A tsx subprocess: seconds on a busy machine.
  it('runs as the check build.sh makes before converting anything', { timeout: 60_000 }, () => {
    const good = spawnSync(
      tsx,
      [script, '--check-context', sourceConfig({ max_position_embeddings: 4096 }), '4096'],
      {
        encoding: 'utf8',
      },
    );
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    const short = spawnSync(
      tsx,
      [script, '--check-context', sourceConfig({ max_position_embeddings: 2048 }), '4096'],
      {
        encoding: 'utf8',
      },
    );
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('Set contextWindow to 2048 or less in model-config/models.json');

    const recipe = readFileSync(path.join(root, 'model-config/build/build.sh'), 'utf8');
    const check = recipe.indexOf('--check-context "$SOURCE_DIR/config.json"');
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(recipe.indexOf('-m mlc_llm convert_weight'));
  });
});

describe('the build docs', () => {
  it('say that the answer length limit lives in the app’s generation loop, not in a max_tokens request', () => {
    for (const file of ['model-config/build/README.md', 'model-config/build/write-chat-config.ts']) {
      const text = readFileSync(path.join(root, file), 'utf8');
      expect(text).not.toMatch(/app sends `max_tokens`/);
      expect(text).toContain('src/engine/web-llm/kullm-session.ts');
    }
  });
});

describe('the end of the recipe', () => {
  const recipe = readFileSync(path.join(root, 'model-config/build/build.sh'), 'utf8');

  it('checks each build after compiling it, then writes integrity.json for a build that passed', () => {
    const compile = recipe.indexOf('-m mlc_llm compile');
    const check = recipe.indexOf(
      'if "$TSX" "$REPO_ROOT/scripts/check-model.ts" "$dest" --model "$id" --source-config "$SOURCE_DIR/config.json"; then',
    );
    const manifest = recipe.indexOf('"$TSX" "$REPO_ROOT/scripts/integrity-manifest.ts" "$dest"');
    const otherwise = recipe.indexOf('FAILED_CHECKS+=("$id")');
    expect(compile).toBeGreaterThan(0);
    expect(check).toBeGreaterThan(compile);
    expect(manifest).toBeGreaterThan(check);
    expect(otherwise).toBeGreaterThan(manifest);
    expect(recipe.slice(manifest, otherwise)).toMatch(/^[^\n]*\n\s*else\n/);
  });

  it('fails after building every quantization when one did not pass', () => {
    const loop = recipe.indexOf('build_quantization "$quantization"\n  done');
    const failure = recipe.indexOf('if ((${#FAILED_CHECKS[@]} > 0)); then\n    die ');
    expect(loop).toBeGreaterThan(0);
    expect(failure).toBeGreaterThan(loop);
    expect(failure).toBeLessThan(recipe.indexOf('step "Done"'));
  });

  it('calls scripts that exist, the check under its npm name', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts['check-model']).toBe('tsx scripts/check-model.ts');
    for (const script of recipe.matchAll(/"\$REPO_ROOT\/(scripts\/[\w-]+\.ts)"/g)) {
      expect(() => readFileSync(path.join(root, script[1] ?? ''), 'utf8')).not.toThrow();
    }
  });
});
