import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../engine/chat-engine';
import { MEASURE_ROWS, type ScriptedScenario } from '../../engine/protocol';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { connectScriptedEngine } from '../../test/connect-scripted';
import { waitForState } from '../../test/stored-chat';
import { createChatStore } from '../chat-store';
import { measureReportJson, measureReportMarkdown } from './measure-report';

let close: (() => void) | undefined;
afterEach(() => close?.());

async function loadedStore(
  scenario: ScriptedScenario = { tokenDelayMs: 1, loadMs: 5 },
  engine = new ScriptedEngine(scenario),
) {
  const connection = connectScriptedEngine(scenario, engine);
  close = connection.close;
  const store = createChatStore({
    engine: connection.client,
    artifactsBaseUrl: 'http://localhost/models/',
    now: () => Date.UTC(2026, 11, 6, 12),
    versions: { app: '0.1.0', webLlm: '0.2.86' },
  });
  await store.getState().checkDevice();
  await store.getState().loadModel();
  return store;
}

describe('measuring on this device', () => {
  it('gathers every row with what it was measured on, and changes no conversation', async () => {
    const store = await loadedStore();
    await store.getState().measure();
    const { measurement } = store.getState();
    expect(measurement).toMatchObject({
      kind: 'done',
      stopped: false,
      context: {
        measuredAt: '2026-12-06T12:00:00.000Z',
        appVersion: '0.1.0',
        webLlmVersion: '0.2.86',
        engine: 'scripted',
        quantization: 'q4f16_1',
        contextWindow: 4096,
        gpu: { description: 'Scripted GPU', features: ['shader-f16'] },
        loadTimes: { totalMs: expect.any(Number) as number },
      },
    });
    if (measurement.kind !== 'done') throw new Error('expected a finished measurement');
    expect(measurement.rows.map(({ id }) => id).sort()).toEqual([...MEASURE_ROWS].sort());
    expect(store.getState().conversations).toEqual([]);
    expect(store.getState().messages).toEqual([]);
  });

  it('is one generation at a time: no answer meanwhile, and none while an answer is written', async () => {
    const store = await loadedStore({ tokenDelayMs: 5, loadMs: 5 });
    const measuring = store.getState().measure();
    expect(store.getState().measurement.kind).toBe('running');
    expect(store.getState().send('안녕')).toBe('model-not-ready');
    await measuring;
    expect(store.getState().send('/echo 안녕')).toBe('sent');
    await store.getState().measure();
    expect(store.getState().measurement.kind).toBe('done');
    await waitForState(store, (state) => state.status === 'ready');
  });

  it('stops when asked, keeping the rows measured, with the model still loaded', async () => {
    const store = await loadedStore({ tokenDelayMs: 10, loadMs: 5 });
    const measuring = store.getState().measure();
    await waitForState(
      store,
      ({ measurement }) => measurement.kind === 'running' && measurement.rows.length >= 2,
    );
    store.getState().stopMeasure();
    expect(store.getState().measurement).toMatchObject({ kind: 'running', stopping: true });
    await measuring;
    const { measurement } = store.getState();
    expect(measurement).toMatchObject({ kind: 'done', stopped: true });
    expect(measurement.kind === 'done' && measurement.rows.length).toBeLessThan(MEASURE_ROWS.length);
    expect(store.getState().model.kind).toBe('ready');
  });

  it('says the model is gone when the device goes during it', async () => {
    class LosingEngine extends ScriptedEngine {
      override measure(): Promise<{ stopped: boolean }> {
        return Promise.reject(new EngineError('device-lost', 'Device is lost'));
      }
    }
    const scenario = { tokenDelayMs: 1, loadMs: 5 };
    const store = await loadedStore(scenario, new LosingEngine(scenario));
    await store.getState().measure();
    expect(store.getState().measurement).toMatchObject({ kind: 'failed', error: { code: 'device-lost' } });
    expect(store.getState().model).toMatchObject({ kind: 'failed', error: { code: 'device-lost' } });
  });
});

describe('the measurement report', () => {
  it('writes a Markdown table whose cells hold any text, and JSON of the same figures', () => {
    const markdown = measureReportMarkdown(
      '측정',
      ['항목', '값', '설명'],
      [{ label: 'GPU', value: 'a | b', note: 'line\nbreak' }],
    );
    expect(markdown).toBe(
      '## 측정\n\n| 항목 | 값 | 설명 |\n| --- | ---: | --- |\n| GPU | a \\| b | line break |\n',
    );
    const json = JSON.parse(
      measureReportJson({
        context: {} as never,
        rows: [{ id: 'kv-check', unit: 'steps', value: 10 }],
        stopped: false,
      }),
    ) as unknown;
    expect(json).toEqual({
      context: {},
      rows: [{ id: 'kv-check', unit: 'steps', value: 10 }],
      stopped: false,
    });
  });
});
