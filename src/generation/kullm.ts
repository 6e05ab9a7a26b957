/**
 * The kullm prompt of `kfkas/Llama-2-ko-7b-Chat`, byte for byte as the model card builds it, and the
 * project's multi-turn extension of it (docs/prompt.md). The pieces are exported so that the MLC build
 * recipe's conversation template and the engine use this one definition.
 */

export const KULLM_PREAMBLE =
  '아래는 작업을 설명하는 명령어입니다. 요청을 적절히 완료하는 응답을 작성하세요.';
const INSTRUCTION_NAME = '명령어';
const RESPONSE_NAME = '응답';
export const KULLM_INSTRUCTION_HEADER = `### ${INSTRUCTION_NAME}:`;
export const KULLM_RESPONSE_HEADER = `### ${RESPONSE_NAME}:`;
/** The blank line after the preamble, after each instruction and after each answer. */
export const KULLM_BLOCK_SEPARATOR = '\n\n';
/** Between the instruction header and the user's text; the response header has none (see docs/prompt.md). */
export const KULLM_HEADER_SEPARATOR = '\n';

export interface KullmTurn {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/**
 * What follows the preamble or an answer for a user turn, `\n\n### 명령어:\n{user}\n\n### 응답:`: the
 * instruction, then the header to answer after.
 */
export const kullmInstructionBlock = (user: string): string =>
  KULLM_BLOCK_SEPARATOR +
  KULLM_INSTRUCTION_HEADER +
  KULLM_HEADER_SEPARATOR +
  user +
  KULLM_BLOCK_SEPARATOR +
  KULLM_RESPONSE_HEADER;

const AWAITING_ANSWER = KULLM_BLOCK_SEPARATOR + KULLM_RESPONSE_HEADER;

/**
 * Checks that turns make a kullm prompt.
 *
 * @throws RangeError unless the turns alternate user/assistant, starting and ending with the user.
 */
export function validateKullmTurns(turns: readonly KullmTurn[]): void {
  if (turns.length === 0) throw new RangeError('A kullm prompt needs at least one user turn; got none.');
  turns.forEach((turn, index) => {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected) {
      throw new RangeError(
        `Turn ${index} must be from the ${expected}, got "${turn.role}": turns alternate user and assistant, starting with the user.`,
      );
    }
  });
  if (turns.length % 2 === 0) {
    throw new RangeError(
      `The last turn (${turns.length - 1}) must be from the user: the prompt asks for the answer to it.`,
    );
  }
}

/**
 * The prompt text for a conversation that ends with a user turn: the preamble once, then per exchange the
 * instruction block and the assistant's text exactly as generated, then the last user turn's block. Nothing is
 * trimmed or escaped. A single turn gives the model card's prompt exactly.
 *
 * @throws RangeError unless the turns alternate user/assistant, starting and ending with the user.
 */
export function formatKullmPrompt(turns: readonly KullmTurn[]): string {
  validateKullmTurns(turns);
  let prompt = KULLM_PREAMBLE;
  for (const turn of turns)
    prompt += turn.role === 'user' ? kullmInstructionBlock(turn.content) : turn.content;
  return prompt;
}

/**
 * The next prompt from the previous one, the answer generated for it and the next user turn: the same string
 * as `formatKullmPrompt` of the whole conversation, with the previous prompt and answer as its prefix.
 *
 * @throws RangeError if `previousPrompt` is not a kullm prompt waiting for an answer.
 */
export function continueKullmPrompt(previousPrompt: string, answer: string, nextUser: string): string {
  if (!previousPrompt.startsWith(KULLM_PREAMBLE) || !previousPrompt.endsWith(AWAITING_ANSWER)) {
    throw new RangeError(
      `The previous prompt must start with the kullm preamble and end with "${KULLM_RESPONSE_HEADER}" after a user turn.`,
    );
  }
  return previousPrompt + answer + kullmInstructionBlock(nextUser);
}

const NAMES = [INSTRUCTION_NAME, RESPONSE_NAME];
const NAME = NAMES.join('|');
/** Beginnings of a name that are not a name yet ("명", "명령", "응"). */
const PARTIAL_NAME = [
  ...new Set(NAMES.flatMap((name) => Array.from(name).map((_, end) => name.slice(0, end)))),
]
  .filter((prefix) => prefix !== '' && !NAMES.includes(prefix))
  .join('|');

/**
 * A turn header the model wrote: `### 명령어:` or `### 응답:` anywhere (any spacing, any run of `#` from three
 * up), or a line that starts with `###` and one of the names and ends there. The whitespace before it goes
 * with it.
 */
const TURN_HEADER = new RegExp(
  `[ \\t\\n]*(?:#{3,}[ \\t]*(?:${NAME})[ \\t]*:|(?:^|\\n)[ \\t]*#{3,}[ \\t]*(?:${NAME})[ \\t]*\\n)`,
  'g',
);

/** Text that may still grow into a turn header: whitespace, then a beginning of one. */
const MAY_BECOME_HEADER = new RegExp(
  `^[ \\t\\n]*(?:#*|#{3,}[ \\t]*(?:${PARTIAL_NAME})?|#{3,}[ \\t]*(?:${NAME})[ \\t]*)$`,
);

/** Characters a header and the whitespace before it are made of; a tail of others cannot become one. */
const HEADER_CHARACTERS = new Set(` \t\n#${NAMES.join('')}`);

/** How far back a tail is held: a longer run of spaces or `#` shows its start, and nothing is lost. */
const LONGEST_HELD_TAIL = 64;

/** Where a stream of text must stop, and what of its end must not be shown yet. */
export interface StopRule {
  /** Where the first complete stop sequence at or after `from` begins (with the whitespace before it). */
  find(text: string, from: number): number | undefined;
  /** Where the tail of `text` that may still become a stop sequence begins (`text.length` when none). */
  pending(text: string): number;
  /** Whether such a tail, left when the text ends, is dropped rather than shown. */
  dropsAtEnd(tail: string): boolean;
}

/**
 * The kullm turn headers as a stop rule: an instruction-tuned model can go on after its answer with
 * `\n\n### 명령어:` and a question of its own. The answer ends where such a header begins; text that may be
 * the beginning of one is held back until it shows it is not; a beginning left at the end of an answer
 * (`\n\n### 명`) is dropped, while a lone `#` or `##` (C#, a Markdown heading) is kept.
 */
export const KULLM_TURN_HEADERS: StopRule = {
  find(text, from) {
    TURN_HEADER.lastIndex = from;
    return TURN_HEADER.exec(text)?.index;
  },
  pending(text) {
    let start = text.length;
    const floor = Math.max(0, text.length - LONGEST_HELD_TAIL);
    while (start > floor && HEADER_CHARACTERS.has(text.charAt(start - 1))) start -= 1;
    for (; start < text.length; start += 1) if (MAY_BECOME_HEADER.test(text.slice(start))) return start;
    return text.length;
  },
  dropsAtEnd: (tail) => tail.includes('###'),
};
