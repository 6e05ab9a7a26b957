import { constants, createDeflateRaw } from 'node:zlib';

export const MiB = 2 ** 20;

/**
 * The densest deflate-raw stream there is for `mebibytes` of zeros (about 1,030 : 1): one flushed block of a
 * mebibyte of zeros repeats byte for byte once the window holds only zeros, so it is built from three blocks.
 */
export async function deflateBomb(mebibytes: number): Promise<Uint8Array> {
  const deflater = createDeflateRaw({ level: 9 });
  let pending: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => pending.push(chunk));
  const block = async (): Promise<Buffer> => {
    deflater.write(Buffer.alloc(MiB));
    await new Promise((resolve) => deflater.flush(constants.Z_FULL_FLUSH, () => resolve(undefined)));
    const bytes = Buffer.concat(pending);
    pending = [];
    return bytes;
  };
  const first = await block();
  const repeated = await block();
  deflater.end();
  await new Promise((resolve) => deflater.on('end', resolve));
  const end = Buffer.concat(pending);
  return new Uint8Array(Buffer.concat([first, ...Array<Buffer>(mebibytes - 1).fill(repeated), end]));
}
