import { describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import { isEngineErrorCode, parseEngineRequest, type EngineRequest } from './protocol';

const valid: EngineRequest[] = [
  { type: 'scenario', scenario: { tokenDelayMs: 5 } },
  {
    type: 'load',
    requestId: 1,
    model: { modelId: 'm', artifactsBaseUrl: 'http://localhost/models/', contextWindow: 2048 },
  },
  { type: 'cancel-load', requestId: 1 },
  {
    type: 'generate',
    requestId: 2,
    turns: [
      { role: 'user', content: '안녕하세요' },
      { role: 'assistant', content: '네, 안녕하세요!' },
      { role: 'user', content: '🙂 ### 응답:' },
    ],
    params: { ...MODEL_CARD_SAMPLING, seed: 7 },
  },
  {
    type: 'generate',
    requestId: 4,
    turns: [
      { role: 'user', content: '안녕' },
      { role: 'assistant', content: ' 네', tokens: { promptIds: [1, 305, 13], answerIds: [259, 46_335] } },
      { role: 'user', content: '또' },
    ],
    params: MODEL_CARD_SAMPLING,
  },
  { type: 'abort', requestId: 2 },
  { type: 'unload', requestId: 3 },
];

describe('parseEngineRequest', () => {
  it.each(valid)('accepts a $type request after a structured clone', (request) => {
    expect(parseEngineRequest(structuredClone(request))).toEqual(request);
  });

  it.each<[string, unknown]>([
    ['not an object', 'load'],
    ['null', null],
    ['an unknown type', { type: 'explode', requestId: 1 }],
    ['a load without a model', { type: 'load', requestId: 1 }],
    ['a load without a base URL', { type: 'load', requestId: 1, model: { modelId: 'm' } }],
    ['a negative request id', { type: 'abort', requestId: -1 }],
    ['a fractional request id', { type: 'abort', requestId: 1.5 }],
    ['a turn with an unknown role', { ...valid[3], turns: [{ role: 'system', content: 'x' }] }],
    ['a turn without content', { ...valid[3], turns: [{ role: 'user' }] }],
    ['params with a missing value', { ...valid[3], params: { temperature: 1 } }],
    ['params with NaN', { ...valid[3], params: { ...MODEL_CARD_SAMPLING, topP: Number.NaN } }],
    ['a non-numeric seed', { ...valid[3], params: { ...MODEL_CARD_SAMPLING, seed: '7' } }],
    ...(
      [
        ['on a user turn', 'user', { promptIds: [1], answerIds: [] }],
        ['without answer ids', 'assistant', { promptIds: [1] }],
        ['with a negative id', 'assistant', { promptIds: [1], answerIds: [-1] }],
        ['with a fractional id', 'assistant', { promptIds: [1.5], answerIds: [] }],
        ['with an id beyond 32 bits', 'assistant', { promptIds: [1], answerIds: [2 ** 31] }],
        ['with an id as text', 'assistant', { promptIds: ['1'], answerIds: [] }],
        ['as a typed array', 'assistant', { promptIds: Int32Array.from([1]), answerIds: [] }],
      ] as const
    ).map(([label, role, tokens]): [string, unknown] => [
      `token ids ${label}`,
      {
        ...valid[3],
        turns: [
          { role: 'user', content: 'x' },
          { role, content: 'y', tokens },
          { role: 'user', content: 'z' },
        ],
      },
    ]),
    ['a scenario failing with an unknown code', { type: 'scenario', scenario: { loadError: 'oops' } }],
    ['a scenario with an unknown device', { type: 'scenario', scenario: { gpu: 'tpu' } }],
    [
      'a folder file that is no file',
      {
        type: 'import-folder',
        requestId: 1,
        model: { modelId: 'm', artifactsBaseUrl: 'http://localhost/models/' },
        files: [{ path: 'a' }],
      },
    ],
  ])('rejects %s', (_label, data) => {
    expect(parseEngineRequest(data)).toBeUndefined();
  });

  it('leaves out keys it does not know, so nothing unchecked reaches the engine', () => {
    const request = { ...valid[3], extra: 'x', turns: [{ role: 'user', content: '안녕', html: '<b>' }] };
    expect(parseEngineRequest(request)).toEqual({ ...valid[3], turns: [{ role: 'user', content: '안녕' }] });
  });

  it('accepts a folder of files', () => {
    const file = new Blob(['{}']);
    const request = {
      type: 'import-folder',
      requestId: 5,
      model: { modelId: 'm', artifactsBaseUrl: 'http://localhost/models/' },
      files: [{ path: 'mlc-chat-config.json', file }],
    };
    expect(parseEngineRequest(request)).toEqual(request);
  });
});

describe('isEngineErrorCode', () => {
  it('knows the codes and nothing else', () => {
    expect(isEngineErrorCode('device-lost')).toBe(true);
    expect(isEngineErrorCode('worker-failed')).toBe(true);
    expect(isEngineErrorCode('Device-Lost')).toBe(false);
    expect(isEngineErrorCode(undefined)).toBe(false);
  });
});
