import { useEffect } from 'react';
import { useChat } from '../chat-store-context';
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
  const ensureDeviceCheck = useChat((state) => state.ensureDeviceCheck);
  // Started with the page at the app's address; after a shared conversation, when this screen first shows.
  useEffect(ensureDeviceCheck, [ensureDeviceCheck]);
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
