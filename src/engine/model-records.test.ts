import { describe, expect, it } from 'vitest';
import catalogJson from '../../model-config/models.json';
import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import { quantizedWeightBytes } from './gpu-memory';
import {
  chooseModelRecord,
  gpuMemoryOf,
  modelCatalog,
  modelShape,
  parseModelCatalog,
  resolveArtifactsBase,
  windowsOf,
} from './model-records';

describe('model-config/models.json', () => {
  it('holds a q4f16_1 build that needs shader-f16 and a q4f32_1 build that needs nothing', () => {
    const byQuantization = Object.fromEntries(
      modelCatalog.models.map((model) => [model.quantization, model]),
    );
    expect(byQuantization['q4f16_1']?.requiredFeatures).toEqual(['shader-f16']);
    expect(byQuantization['q4f32_1']?.requiredFeatures).toEqual([]);
  });

  it('gives every build the 4,096-token window, the model card defaults and EOS 2', () => {
    expect(modelCatalog.contextWindows).toEqual([4096, 2048, 1024]);
    for (const model of modelCatalog.models) {
      expect(model.contextWindow).toBe(4096);
      expect(windowsOf(model)).toEqual([4096, 2048, 1024]);
      expect(model.generation).toEqual({ ...MODEL_CARD_SAMPLING, eosTokenId: 2 });
      expect(model.modelLib).toMatch(
        new RegExp(`^${model.id.replace('-MLC', '')}-webgpu-webllm-0\\.2\\.86\\.wasm$`),
      );
    }
  });

  it.each([
    ['an empty list', { ...catalogJson, defaultModelId: 'x', models: [] }, /models must be a non-empty list/],
    [
      'windows out of order',
      { ...catalogJson, contextWindows: [1024, 4096] },
      /contextWindows must go from the largest window to the smallest/,
    ],
    ['a missing shape', { ...catalogJson, architecture: { layers: 32 } }, /architecture\.attentionHeads/],
    [
      'a fractional window',
      { ...catalogJson, models: [{ ...catalogJson.models[0], contextWindow: 4096.5 }] },
      /contextWindow must be a whole number of tokens/,
    ],
    [
      'an unknown quantization',
      { ...catalogJson, models: [{ ...catalogJson.models[0], quantization: 'q8' }] },
      /quantization/,
    ],
    [
      'a library path',
      { ...catalogJson, models: [{ ...catalogJson.models[0], modelLib: '../x.wasm' }] },
      /modelLib/,
    ],
    [
      'a missing size',
      { ...catalogJson, models: [{ ...catalogJson.models[0], downloadBytes: 0 }] },
      /downloadBytes/,
    ],
    [
      'a default that names no model',
      { ...catalogJson, defaultModelId: 'nope' },
      /defaultModelId names no model/,
    ],
    [
      'duplicate ids',
      { ...catalogJson, models: [catalogJson.models[0], catalogJson.models[0]] },
      /unique ids/,
    ],
    [
      'a missing generation value',
      { ...catalogJson, models: [{ ...catalogJson.models[0], generation: { topK: 20 } }] },
      /generation\.temperature/,
    ],
  ])('rejects %s', (_label, value, message) => {
    expect(() => parseModelCatalog(value)).toThrow(message);
  });
});

describe('the memory figures of models.json', () => {
  it('weigh what the quantization gives the shape of Llama-2-ko 7B (46,336 tokens), within 1 %', () => {
    expect(modelShape.vocabSize).toBe(46_336);
    for (const model of modelCatalog.models) {
      const expected = quantizedWeightBytes(modelShape, model.quantization);
      expect(Math.abs(model.weightBytes - expected) / expected).toBeLessThan(0.01);
      // The download is the weights, the tokenizer and the library: a little more than the weights.
      expect(model.downloadBytes).toBeGreaterThan(model.weightBytes);
      expect(model.downloadBytes).toBeLessThan(model.weightBytes * 1.02);
    }
  });

  it('come from the estimate, per build and window (MiB)', () => {
    const figures = Object.fromEntries(
      modelCatalog.models.map((model) => [
        model.quantization,
        windowsOf(model).map((window) => Math.round(gpuMemoryOf(model, window).totalBytes / 2 ** 20)),
      ]),
    );
    expect(figures).toEqual({ q4f16_1: [6407, 5127, 4487], q4f32_1: [8985, 6681, 5529] });
  });
});

describe('chooseModelRecord', () => {
  it('prefers q4f16_1 and falls back to q4f32_1 without shader-f16', () => {
    expect(chooseModelRecord(['shader-f16', 'timestamp-query']).quantization).toBe('q4f16_1');
    expect(chooseModelRecord(['timestamp-query']).quantization).toBe('q4f32_1');
  });

  it('takes the build the user chose when the device runs it', () => {
    expect(chooseModelRecord(['shader-f16'], 'q4f32_1').quantization).toBe('q4f32_1');
    expect(chooseModelRecord([], 'q4f16_1').quantization).toBe('q4f32_1');
  });
});

describe('resolveArtifactsBase', () => {
  it('defaults to the app’s own models/ folder, wherever the app is', () => {
    expect(resolveArtifactsBase(undefined, 'https://example.org/apps/chat/')).toBe(
      'https://example.org/apps/chat/models/',
    );
    expect(resolveArtifactsBase('  ', 'https://example.org/apps/chat/index.html')).toBe(
      'https://example.org/apps/chat/models/',
    );
  });

  it('takes an absolute host as it is, with a trailing slash', () => {
    expect(resolveArtifactsBase('https://huggingface.co/acme', 'https://example.org/')).toBe(
      'https://huggingface.co/acme/',
    );
  });

  it('resolves a relative setting against the app', () => {
    expect(resolveArtifactsBase('../weights/', 'https://example.org/apps/chat/')).toBe(
      'https://example.org/apps/weights/',
    );
  });
});
