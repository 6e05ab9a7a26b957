import * as v from 'valibot';

/**
 * The first problem valibot found, as `path: message` with the path written as in JavaScript from `root`, e.g.
 * `record.exchanges[2].versions[0].askedAt: expected a number`. The schemas give their own messages, so this
 * reads the same in every place that validates.
 */
export function describeIssues(
  issues: readonly [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]],
  root: string,
  separator = ': ',
): string {
  const [issue] = issues;
  let path = root;
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    path += typeof key === 'number' ? `[${key}]` : `${path === '' ? '' : '.'}${String(key)}`;
  }
  return `${path}${separator}${issue.message}`;
}

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Validates `value` against `schema`, stopping at the first problem (a hostile file may hold millions). */
export function check<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  value: unknown,
  root: string,
): Checked<v.InferOutput<TSchema>> {
  const result = v.safeParse(schema, value, { abortEarly: true, abortPipeEarly: true });
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, reason: describeIssues(result.issues, root) };
}

/** The message a schema gives for a value of the wrong type (the first step of a pipe gives it). */
function messageOf(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const { message, pipe, wrapped } = schema as { message?: unknown; pipe?: unknown[]; wrapped?: unknown };
  if (typeof message === 'string') return message;
  if (Array.isArray(pipe)) return messageOf(pipe[0]);
  return messageOf(wrapped);
}

/** The message of a missing key: that of the key's own schema, as a wrong value would get. */
function keyMessage(entries: v.ObjectEntries, message: string) {
  return (issue: v.BaseIssue<unknown>): string => {
    const key = issue.path?.at(-1)?.key;
    const missing =
      issue.expected !== 'Object' && typeof key === 'string' ? messageOf(entries[key]) : undefined;
    return missing ?? message;
  };
}

/**
 * `v.object` whose missing keys are reported with the message of the key's own schema (`title: expected a
 * string`), as a wrong value would be, instead of the object's message.
 */
export function object<const TEntries extends v.ObjectEntries>(
  entries: TEntries,
  message = 'expected an object',
) {
  return v.object(entries, keyMessage(entries, message));
}

/** As {@link object}, keeping the keys it does not name as they are. */
export function looseObject<const TEntries extends v.ObjectEntries>(
  entries: TEntries,
  message = 'expected an object',
) {
  return v.looseObject(entries, keyMessage(entries, message));
}
