/** Which rule a problem breaks: tests tell the problems apart by it, users by the message. */
export type Rule =
  | 'record'
  | 'missing-file'
  | 'config-invalid'
  | 'quantization'
  | 'conv-template'
  | 'vocab-size'
  | 'special-token-ids'
  | 'context-window'
  | 'trained-context'
  | 'prefill-chunk'
  | 'sampling'
  | 'tokenizer-invalid'
  | 'tokenizer-vocab'
  | 'tokenizer-special-tokens'
  | 'tokenizer-round-trip'
  | 'tokenizer-korean'
  | 'tensor-cache-invalid'
  | 'shard-missing'
  | 'shard-size'
  | 'weight-bytes'
  | 'vocab-rows'
  | 'library-invalid'
  | 'library-import'
  | 'library-export'
  | 'library-f16'
  | 'library-prefill-chunk';

/** One line of the report: what is wrong and what to do about it. */
export interface Problem {
  readonly rule: Rule;
  readonly message: string;
}

/** What the checks of one file found. */
export interface Findings {
  /** The file, as the report names it. */
  readonly subject: string;
  readonly problems: readonly Problem[];
  /** Short phrases of what held, for the summary. */
  readonly passed: readonly string[];
  /** What could not be checked, and why. */
  readonly notes: readonly string[];
}

/** Collects the findings of one file. */
export class FindingsBuilder {
  private readonly problems: Problem[] = [];
  private readonly passed: string[] = [];
  private readonly notes: string[] = [];

  constructor(readonly subject: string) {}

  problem(rule: Rule, message: string): void {
    // One problem, one line: a value with a newline in it is quoted by its caller, never printed raw.
    this.problems.push({ rule, message: message.replace(/\s*\n\s*/g, ' ') });
  }

  pass(phrase: string): void {
    this.passed.push(phrase);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** Passes `phrase` when no problem was added since the count was `before`. */
  passIfClean(before: number, phrase: string): void {
    if (this.problems.length === before) this.pass(phrase);
  }

  get problemCount(): number {
    return this.problems.length;
  }

  build(): Findings {
    return {
      subject: this.subject,
      problems: [...this.problems],
      passed: [...this.passed],
      notes: [...this.notes],
    };
  }
}

/** `46,336`: numbers in messages read like the rest of the docs. */
export const count = (value: number): string => value.toLocaleString('en-US');

/** A value from a file, shown as JSON on one line and cut when long. */
export function shown(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
