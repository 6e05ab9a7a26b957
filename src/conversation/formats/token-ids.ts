import { MAX_TOKEN_ID, type ExchangeTokens } from '../../engine/protocol';

/**
 * An exchange's ids as stored with its version: each list packed into a string, `u16:` or `u32:` and the
 * base64 of its ids as little-endian unsigned integers of that width (16 bits when every id fits, which is
 * always so with this model's vocabulary of 46,336).
 *
 * Why a string, and this one. Measured with V8's serializer (the one Chromium's IndexedDB writes values
 * with) on 1,024 ids of this vocabulary's Korean range (32,000-46,335), the largest an answer's record
 * reaches being about the context window (4,096 ids):
 *
 * | Stored as                              | Bytes | Per id |
 * | -------------------------------------- | ----: | -----: |
 * | an array of numbers                    | 4,105 |   4.0  |
 * | the same as JSON (localStorage, files) | 6,145 |   6.0  |
 * | a `Uint32Array`                        | 4,102 |   4.0  |
 * | a `Uint16Array`                        | 2,054 |   2.0  |
 * | base64 of LEB128 varints               | 4,101 |   4.0  |
 * | base64 of 16-bit ids (this)            | 2,737 |   2.7  |
 *
 * A typed array would be smaller still in IndexedDB, but a version record also travels as JSON: a closing
 * page writes it into localStorage (`saveAtExit`), where a typed array comes back as an object of numbered
 * keys and the ids would be lost. A string is the same wherever it goes, a third of a number array's size,
 * and costs one `atob` to read.
 */
export interface PackedTokens {
  readonly promptIds: string;
  readonly answerIds: string;
}

/** What a packed list looks like; the schema checks this much, and `unpackIds` the rest. */
export const PACKED_IDS_PATTERN = /^u(16|32):[A-Za-z0-9+/]*={0,2}$/;

/** `btoa` takes a string of bytes; built in slices, as a spread of a long array would overflow the stack. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

const isTokenId = (id: number): boolean => Number.isInteger(id) && id >= 0 && id <= MAX_TOKEN_ID;

/** The ids as a string; undefined if one is no token id (the engine's ids always are). */
export function packIds(ids: readonly number[]): string | undefined {
  if (!ids.every(isTokenId)) return undefined;
  const wide = ids.some((id) => id > 0xffff);
  const width = wide ? 4 : 2;
  const bytes = new Uint8Array(ids.length * width);
  const view = new DataView(bytes.buffer);
  ids.forEach((id, index) => {
    if (wide) view.setUint32(index * width, id, true);
    else view.setUint16(index * width, id, true);
  });
  return `${wide ? 'u32' : 'u16'}:${toBase64(bytes)}`;
}

/** The ids of a packed string; undefined when it is not one this version wrote or holds an id out of range. */
export function unpackIds(packed: string): number[] | undefined {
  const match = PACKED_IDS_PATTERN.exec(packed);
  if (!match) return undefined;
  const width = match[1] === '32' ? 4 : 2;
  const bytes = fromBase64(packed.slice(4));
  if (!bytes || bytes.length % width !== 0) return undefined;
  const view = new DataView(bytes.buffer);
  const ids: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += width) {
    ids.push(width === 4 ? view.getUint32(offset, true) : view.getUint16(offset, true));
  }
  return ids.every(isTokenId) ? ids : undefined;
}

export function packTokens({ promptIds, answerIds }: ExchangeTokens): PackedTokens | undefined {
  const prompt = packIds(promptIds);
  const answer = packIds(answerIds);
  return prompt === undefined || answer === undefined ? undefined : { promptIds: prompt, answerIds: answer };
}

export function unpackTokens({ promptIds, answerIds }: PackedTokens): ExchangeTokens | undefined {
  const prompt = unpackIds(promptIds);
  const answer = unpackIds(answerIds);
  return prompt && answer ? { promptIds: prompt, answerIds: answer } : undefined;
}
