/**
 * The byte layer of a shared conversation's link: text → deflate-raw (the browser's CompressionStream) →
 * base64url, and back with a bound on what inflating may produce, so a crafted link cannot exhaust memory.
 */

/** Why bytes from a link could not be read back into text. */
export type InflateFailure = 'too-large' | 'corrupt';

export type InflateResult =
  | { readonly kind: 'ok'; readonly text: string }
  | { readonly kind: 'failed'; readonly reason: InflateFailure };

async function collect(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Stops the inflater at once: a deflate bomb is never expanded past the limit.
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** How much of a link's bytes the inflater is given at a time: deflate expands at most ~1,032 times. */
const INFLATE_SLICE = 4096;

/**
 * The bytes as a stream, in slices handed out only as the reader asks for them (no `Blob`: jsdom's has no
 * `stream()`). Given whole, a deflate bomb is expanded whole in one task before its first chunk can be read
 * and refused; a slice at a time, no more than a few MiB is made past the limit.
 */
function streamOf(bytes: Uint8Array, slice = bytes.byteLength): ReadableStream<BufferSource> {
  let offset = 0;
  return new ReadableStream<BufferSource>(
    {
      pull(controller) {
        if (offset >= bytes.byteLength) {
          controller.close();
          return;
        }
        const end = Math.min(offset + Math.max(slice, 1), bytes.byteLength);
        controller.enqueue(bytes.slice(offset, end));
        offset = end;
      },
    },
    { highWaterMark: 0 },
  );
}

export async function deflate(text: string): Promise<Uint8Array> {
  const input = streamOf(new TextEncoder().encode(text));
  const bytes = await collect(input.pipeThrough(new CompressionStream('deflate-raw')), Infinity);
  return bytes ?? new Uint8Array();
}

/** Inflates deflate-raw bytes into UTF-8 text of at most `maxBytes` bytes. */
export async function inflate(bytes: Uint8Array, maxBytes: number): Promise<InflateResult> {
  let inflated: Uint8Array | undefined;
  try {
    const input = streamOf(bytes, INFLATE_SLICE);
    inflated = await collect(input.pipeThrough(new DecompressionStream('deflate-raw')), maxBytes);
  } catch {
    // Not deflate data, or a stream that ends in the middle.
    return { kind: 'failed', reason: 'corrupt' };
  }
  if (!inflated) return { kind: 'failed', reason: 'too-large' };
  try {
    return { kind: 'ok', text: new TextDecoder('utf-8', { fatal: true }).decode(inflated) };
  } catch {
    return { kind: 'failed', reason: 'corrupt' };
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Bytes per String.fromCharCode call: far below the engines' argument limits. */
const CHUNK = 0x8000;

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK));
  }
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The bytes of a base64url string (without padding), or undefined when it is not one. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, byte) => {
  let crc = byte;
  for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  return crc;
});

/**
 * CRC-32 (the zip/PNG one) of a text's UTF-16 code units taken as bytes (links are ASCII), as 8 hex digits.
 * deflate-raw has no checksum of its own: a changed character can inflate to different but valid text.
 */
export function crc32(text: string): string {
  let crc = 0xffffffff;
  for (let index = 0; index < text.length; index += 1) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(index)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}
