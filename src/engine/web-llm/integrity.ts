import * as v from 'valibot';
import { check, object } from '../../schema/issues';

/** The manifest's name, beside the model's other files (`<id>/resolve/main/integrity.json`). */
export const INTEGRITY_MANIFEST = 'integrity.json';

const sri = v.pipe(
  v.string('expected an SRI string'),
  v.regex(/^sha256-[A-Za-z0-9+/]{43}=$/, 'expected "sha256-" and a base64 SHA-256'),
);

const manifestSchema = object({
  version: v.literal(1, 'expected version 1'),
  files: v.record(
    v.string(),
    object({
      bytes: v.pipe(
        v.number('expected a size'),
        v.safeInteger('expected a size'),
        v.minValue(0, 'expected a size'),
      ),
      integrity: sri,
    }),
    'expected the files by name',
  ),
});

/**
 * What the build recipe writes beside a model (`model-config/build/`): each file's size and SHA-256, in the
 * Subresource Integrity form web-llm's own `integrity` field takes. Paths are relative to `resolve/main/`.
 */
export type IntegrityManifest = v.InferOutput<typeof manifestSchema>;

/** Reads a manifest; a file that is not one is reported with its first problem. */
export function parseIntegrityManifest(
  value: unknown,
):
  { readonly ok: true; readonly value: IntegrityManifest } | { readonly ok: false; readonly reason: string } {
  return check(manifestSchema, value, INTEGRITY_MANIFEST);
}

/** The SHA-256 of `data` in SRI form (`sha256-<base64>`), with Web Crypto: off the page in the worker. */
export async function sha256Sri(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return `sha256-${btoa(binary)}`;
}
