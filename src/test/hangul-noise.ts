/**
 * Deterministic Hangul syllables in no order deflate can use: a shared link of about 2.3 characters each. The
 * seed picks the sequence.
 */
export function hangulNoise(length: number, seed: number): string {
  let state = seed;
  return Array.from({ length }, () => {
    // xorshift32: 32-bit integer steps, exact in JavaScript.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return String.fromCharCode(0xac00 + ((state >>> 0) % 11_172));
  }).join('');
}
