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
