import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { packIds, packTokens, unpackIds, unpackTokens } from './token-ids';

/** Ids as a Korean answer of this model has them: its own syllables sit in 32,000-46,335. */
function koreanIds(count: number): number[] {
  let seed = 7;
  return Array.from({ length: count }, () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return 32_000 + (seed % 14_336);
  });
}

describe('packed token ids', () => {
  it('come back as they went in: none, a few, a context window of them', () => {
    for (const ids of [[], [0], [1, 2, 29_871, 46_335, 65_535], koreanIds(4096)]) {
      const packed = packIds(ids);
      expect(packed?.startsWith('u16:')).toBe(true);
      expect(unpackIds(packed ?? '')).toEqual(ids);
    }
  });

  it('take 32 bits an id when one needs more than 16, up to the largest id a request may carry', () => {
    const ids = [1, 65_536, 2 ** 31 - 1];
    const packed = packIds(ids);
    expect(packed?.startsWith('u32:')).toBe(true);
    expect(unpackIds(packed ?? '')).toEqual(ids);
  });

  it('refuse what is no token id, so a request never carries one the worker would refuse', () => {
    expect(packIds([1, -1])).toBeUndefined();
    expect(packIds([1.5])).toBeUndefined();
    expect(packIds([2 ** 31])).toBeUndefined();
    expect(packTokens({ promptIds: [1], answerIds: [Number.NaN] })).toBeUndefined();
  });

  it('read as absent when damaged or in a format this version did not write', () => {
    // 2 ** 32 - 1 packed as 32 bits: beyond what a request may carry.
    expect(unpackIds('u32://///w==')).toBeUndefined();
    expect(unpackIds('u16:AAEC')).toBeUndefined(); // three bytes: not whole 16-bit ids
    expect(unpackIds('u16:@@@@')).toBeUndefined();
    expect(unpackIds('u8:AAAA')).toBeUndefined();
    expect(unpackIds('[1,2,3]')).toBeUndefined();
    expect(unpackTokens({ promptIds: 'u16:AQA=', answerIds: 'zip:AQA=' })).toBeUndefined();
    expect(unpackTokens({ promptIds: 'u16:AQA=', answerIds: 'u16:' })).toEqual({
      promptIds: [1],
      answerIds: [],
    });
  });

  it('are stored in a third of the room an array of numbers takes, and half that of its JSON', () => {
    const ids = koreanIds(1024);
    const packed = packIds(ids) ?? '';
    // V8's serializer is the one Chromium's IndexedDB writes values with.
    const stored = serialize(packed).length;
    expect(stored / ids.length).toBeLessThan(2.75);
    expect(stored).toBeLessThan(serialize(ids).length * 0.7);
    expect(packed.length).toBeLessThan(JSON.stringify(ids).length / 2);
  });

  it('survive JSON, as a closing page writes a version into localStorage', () => {
    const tokens = { promptIds: [1, 32_001, 13], answerIds: koreanIds(300) };
    const packed = packTokens(tokens);
    const copy = JSON.parse(JSON.stringify(packed)) as typeof packed;
    expect(copy && unpackTokens(copy)).toEqual(tokens);
  });
});
