import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deflateBomb, MiB } from '../../test/deflate-bomb';
import { crc32, deflate, fromBase64Url, inflate, toBase64Url } from './link-bytes';

describe('base64url', () => {
  it('round-trips every byte value and uses only characters a URL fragment keeps', () => {
    const bytes = Uint8Array.from({ length: 256 * 3 + 1 }, (_, index) => (index * 7) % 256);
    const text = toBase64Url(bytes);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromBase64Url(text)).toEqual(bytes);
  });

  it('refuses what is not base64url', () => {
    expect(fromBase64Url('abc+')).toBeUndefined();
    expect(fromBase64Url('ab=c')).toBeUndefined();
    expect(fromBase64Url('abcde')).toBeUndefined();
    expect(fromBase64Url('한글')).toBeUndefined();
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('deflate and inflate', () => {
  it('round-trips Korean text, emoji and newlines', async () => {
    const text = '가을 하늘은 높고 맑습니다. 🙂\n\n### 응답:\n'.repeat(200);
    const packed = await deflate(text);
    expect(packed.length).toBeLessThan(text.length / 10);
    expect(await inflate(packed, MiB)).toEqual({ kind: 'ok', text });
  });

  it('reads what zlib wrote (the format is plain deflate-raw)', async () => {
    const text = '안녕하세요';
    expect(await inflate(new Uint8Array(deflateRawSync(Buffer.from(text))), MiB)).toEqual({
      kind: 'ok',
      text,
    });
  });

  it('calls bytes that are not deflate, or that end early, corrupt', async () => {
    expect(await inflate(new Uint8Array([0xff, 0xff, 0xff, 0xff]), MiB)).toEqual({
      kind: 'failed',
      reason: 'corrupt',
    });
    const packed = await deflate('잘린 링크의 대화입니다. '.repeat(100));
    expect(await inflate(packed.subarray(0, packed.length - 5), MiB)).toEqual({
      kind: 'failed',
      reason: 'corrupt',
    });
  });

  it('calls text that is not UTF-8 corrupt', async () => {
    const packed = new Uint8Array(deflateRawSync(Buffer.from([0xed, 0xa0, 0x80])));
    expect(await inflate(packed, MiB)).toEqual({ kind: 'failed', reason: 'corrupt' });
  });

  it('stops a deflate bomb that would inflate to 1 GiB at the limit', async () => {
    const bomb = await deflateBomb(1024);
    expect(bomb.length).toBeLessThan(1.1 * MiB);
    expect(await inflate(bomb, 8 * MiB)).toEqual({ kind: 'failed', reason: 'too-large' });
  });

  it('feeds a bomb to the inflater a slice at a time, so it stops within a few MiB of the limit', async () => {
    const bomb = await deflateBomb(1024);
    const Real = DecompressionStream;
    let given = 0;
    let made = 0;
    // The browser's inflater, with what goes in and what comes out counted.
    class Counted {
      readonly writable: WritableStream<BufferSource>;
      readonly readable: ReadableStream<Uint8Array>;
      constructor(format: CompressionFormat) {
        const real = new Real(format);
        const writer = real.writable.getWriter();
        this.writable = new WritableStream<BufferSource>({
          async write(chunk) {
            given += chunk.byteLength;
            await writer.write(chunk);
          },
          close: () => writer.close(),
          abort: (reason: unknown) => writer.abort(reason),
        });
        this.readable = real.readable.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              made += chunk.byteLength;
              controller.enqueue(chunk);
            },
          }),
        );
      }
    }
    vi.stubGlobal('DecompressionStream', Counted);
    expect(await inflate(bomb, 8 * MiB)).toEqual({ kind: 'failed', reason: 'too-large' });
    // 1 GiB was on offer: about 8 MiB was made, from a few KiB of the link.
    expect(made).toBeLessThan(16 * MiB);
    expect(given).toBeLessThan(32 * 1024);
  });

  it('stops a 1 KB link that inflates a thousandfold', async () => {
    const bomb = await deflateBomb(1);
    expect(bomb.length).toBeLessThan(1100);
    expect(await inflate(bomb, 256 * 1024)).toEqual({ kind: 'failed', reason: 'too-large' });
    expect(await inflate(bomb, MiB)).toEqual({ kind: 'ok', text: '\0'.repeat(MiB) });
  });
});

describe('crc32', () => {
  it('is the standard CRC-32', () => {
    expect(crc32('')).toBe('00000000');
    expect(crc32('123456789')).toBe('cbf43926');
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe('414fa339');
  });
});
