/**
 * The kullm prompt of `kfkas/Llama-2-ko-7b-Chat`, byte for byte as the model card builds it, and the
 * project's multi-turn extension of it (docs/prompt.md). The pieces are exported so that the MLC build
 * recipe's conversation template and the engine use this one definition.
 */

export const KULLM_PREAMBLE =
  '아래는 작업을 설명하는 명령어입니다. 요청을 적절히 완료하는 응답을 작성하세요.';
export const KULLM_INSTRUCTION_HEADER = '### 명령어:';
export const KULLM_RESPONSE_HEADER = '### 응답:';
/** The blank line after the preamble, after each instruction and after each answer. */
export const KULLM_BLOCK_SEPARATOR = '\n\n';
/** Between the instruction header and the user's text; the response header has none (see docs/prompt.md). */
export const KULLM_HEADER_SEPARATOR = '\n';

export interface KullmTurn {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** What follows the preamble or an answer for a user turn: the instruction, then the header to answer after. */
const instructionBlock = (user: string): string =>
  KULLM_BLOCK_SEPARATOR +
  KULLM_INSTRUCTION_HEADER +
  KULLM_HEADER_SEPARATOR +
  user +
  KULLM_BLOCK_SEPARATOR +
  KULLM_RESPONSE_HEADER;

const AWAITING_ANSWER = KULLM_BLOCK_SEPARATOR + KULLM_RESPONSE_HEADER;

function validate(turns: readonly KullmTurn[]): void {
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
  validate(turns);
  let prompt = KULLM_PREAMBLE;
  for (const turn of turns) prompt += turn.role === 'user' ? instructionBlock(turn.content) : turn.content;
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
  return previousPrompt + answer + instructionBlock(nextUser);
}
