import type { ChatOptions } from '@mlc-ai/web-llm';
import {
  KULLM_BLOCK_SEPARATOR,
  KULLM_HEADER_SEPARATOR,
  KULLM_INSTRUCTION_HEADER,
  KULLM_PREAMBLE,
  KULLM_RESPONSE_HEADER,
} from '../../src/generation/kullm';

/** web-llm's `ConvTemplateConfig` (not exported by name), as `mlc-chat-config.json` carries it. */
type WebLlmConvTemplate = NonNullable<ChatOptions['conv_template']>;

/**
 * The `conv_template` of `mlc-chat-config.json`: web-llm's fields (the `tool` role aside: kullm has none) plus
 * MLC's optional `name`.
 */
export type KullmConvTemplate = Omit<WebLlmConvTemplate, 'roles'> & {
  name: string;
  roles: { user: string; assistant: string };
};

/**
 * The conversation template whose rendering by web-llm (and by MLC's `Conversation.as_prompt`) concatenates to
 * exactly `formatKullmPrompt` of the same turns. Both render
 * `system + Σ(role + role_content_sep + content + seps[i % 2]) + assistant role + role_empty_sep`, with one
 * `role_content_sep` for every role, whereas kullm puts a newline after the instruction header and nothing after
 * the response header: so the separators live in the role strings and the role separators are empty.
 *
 * The blank line before each instruction belongs to the user role, not to the separator after an answer: when
 * web-llm continues a conversation in its KV cache it renders only the new round and never the separator after
 * the previous answer, so anything put there would be missing from the continued prompt.
 *
 * There is deliberately no `role_templates`: web-llm fills them with `String.prototype.replace`, which expands
 * `$&`, `$$` and the like inside a message. There is no `{system_message}` placeholder either: the model was never
 * trained with a system prompt, so a system message is left out rather than spliced into the preamble.
 */
export function kullmConvTemplate(): KullmConvTemplate {
  return {
    name: 'kullm',
    system_template: KULLM_PREAMBLE,
    system_message: '',
    system_prefix_token_ids: [1],
    add_role_after_system_message: true,
    roles: {
      user: KULLM_BLOCK_SEPARATOR + KULLM_INSTRUCTION_HEADER + KULLM_HEADER_SEPARATOR,
      assistant: KULLM_RESPONSE_HEADER,
    },
    // After a user turn, after an answer.
    seps: [KULLM_BLOCK_SEPARATOR, ''],
    role_content_sep: '',
    role_empty_sep: '',
    stop_str: [],
    stop_token_ids: [2],
  };
}
