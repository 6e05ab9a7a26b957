/**
 * What a valibot schema accepts, as plain data: its types, keys, literals and options, and the checks of its
 * pipes with their requirements. Messages are left out (rewording one changes no data); a custom check or a
 * transform is named by its kind, as a function cannot be compared.
 */
export type Shape = string | number | boolean | null | readonly Shape[] | { readonly [key: string]: Shape };

type Node = Readonly<Record<string, unknown>>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;

function requirementOf(value: unknown): Shape {
  if (typeof value === 'function') return 'function';
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return value === undefined ? null : JSON.stringify(value);
}

function valueOf(value: unknown): Shape {
  if (typeof value === 'function') return 'computed';
  if (value === undefined) return 'undefined';
  return JSON.parse(JSON.stringify(value)) as Shape;
}

export function shapeOf(schema: unknown): Shape {
  if (!isNode(schema)) throw new TypeError('Not a valibot schema.');
  if (schema['kind'] !== 'schema') {
    return {
      [String(schema['kind'])]: String(schema['type']),
      ...('requirement' in schema ? { requirement: requirementOf(schema['requirement']) } : {}),
    };
  }
  const pipe = schema['pipe'];
  if (Array.isArray(pipe)) {
    // `v.pipe` copies its first schema's keys (a pipe of its own included) and sets `pipe` to itself.
    const [base, ...actions] = pipe as unknown[];
    const described = shapeOf(base) as Readonly<Record<string, Shape>>;
    const inner = (described['pipe'] ?? []) as readonly Shape[];
    return { ...described, pipe: [...inner, ...actions.map(shapeOf)] };
  }
  const out: Record<string, Shape> = { type: String(schema['type']) };
  const entries = schema['entries'];
  if (isNode(entries)) {
    out['entries'] = Object.fromEntries(
      Object.keys(entries)
        .sort()
        .map((key) => [key, shapeOf(entries[key])]),
    );
  }
  for (const key of ['item', 'wrapped', 'rest', 'value'] as const) {
    if (isNode(schema[key])) out[key] = shapeOf(schema[key]);
  }
  const key = schema['key'];
  if (typeof key === 'string') out['key'] = key;
  else if (isNode(key)) out['key'] = shapeOf(key);
  const options = schema['options'];
  if (Array.isArray(options)) {
    out['options'] = (options as unknown[]).map((option) =>
      isNode(option) ? shapeOf(option) : valueOf(option),
    );
  }
  if ('literal' in schema) out['literal'] = valueOf(schema['literal']);
  if ('class' in schema && typeof schema['class'] === 'function') out['class'] = schema['class'].name;
  if ('default' in schema && schema['default'] !== undefined) out['default'] = valueOf(schema['default']);
  if ('fallback' in schema) out['fallback'] = valueOf(schema['fallback']);
  return out;
}

/** The paths at which two shapes differ, e.g. `versions.entries.answer.options[2].entries.usage`. */
export function differences(before: Shape, after: Shape, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const bothObjects = isNode(before) && isNode(after) && !Array.isArray(before) && !Array.isArray(after);
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  if (!bothObjects && !bothArrays) return [path || '(the whole shape)'];
  const a = before as Readonly<Record<string, Shape>>;
  const b = after as Readonly<Record<string, Shape>>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((key) => {
    const at = bothArrays ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!(key in a)) return [`${at} (added)`];
    if (!(key in b)) return [`${at} (removed)`];
    return differences(a[key] as Shape, b[key] as Shape, at);
  });
}
