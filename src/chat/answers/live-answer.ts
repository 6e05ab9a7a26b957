import {
  findVersion,
  updateExchangeOf,
  type Conversation,
  type ExchangeVersion,
} from '../../conversation/conversation';

/** The answer this tab is writing: its conversation and its version. */
export interface LiveAnswer {
  readonly conversationId: string;
  readonly versionId: string;
}

/** The conversation `fresh` (as another tab left it) with this tab's answer in progress put back in, shown. */
export function withLiveAnswer(
  fresh: Conversation,
  shown: Conversation,
  live: LiveAnswer | undefined,
): Conversation | undefined {
  if (!live || live.conversationId !== fresh.id) return fresh;
  const mine = findVersion(shown, live.versionId);
  if (!mine || !findVersion(fresh, live.versionId)) return undefined;
  return updateExchangeOf(fresh, live.versionId, (exchange, index) => {
    const version = exchange.versions[index];
    if (!version) return exchange;
    // The answer is this tab's, and so are its ids (none while it streams): never the stored copy's.
    const { tokens: _stored, ...rest } = version;
    const live: ExchangeVersion = {
      ...rest,
      answer: mine.answer,
      ...(mine.tokens ? { tokens: mine.tokens } : {}),
    };
    return { ...exchange, versions: exchange.versions.with(index, live), selected: index };
  });
}
