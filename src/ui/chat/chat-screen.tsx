import { ModelPanel } from '../model/model-panel';
import { SharedLinkProblem } from '../share/shared-link-problem';
import { Composer } from './composer';
import { ConversationBoundary } from './conversation-boundary';
import { MessageList } from './message-list';

/**
 * The user's own conversation: the model's panel, the messages and the message box. A chunk of its own, so
 * that a shared link, which shows none of it, does not load it.
 */
export function ChatScreen() {
  return (
    <>
      <SharedLinkProblem />
      <ModelPanel />
      <ConversationBoundary>
        <MessageList />
      </ConversationBoundary>
      <Composer />
    </>
  );
}
