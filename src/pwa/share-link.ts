/**
 * The link to share: the app's own folder, without the query string or fragment. Conversations live only
 * in this browser, so there is no state a link could carry to someone else, and the query string is for
 * tracking tags or test scenarios, which should not travel on. `./` keeps a subpath deployment's path.
 */
export function appLink(pageUrl: string): string {
  return new URL('./', pageUrl).href;
}

/** The parts of `navigator` that sharing uses, so tests can stand in for the platform. */
export interface SharePlatform {
  share?: (data: ShareData) => Promise<void>;
  canShare?: (data: ShareData) => boolean;
  clipboard?: { writeText(text: string): Promise<void> };
}

/** `shared` / `copied`: done; `cancelled`: the user closed the share sheet; `failed`: nothing worked. */
export type ShareOutcome = 'shared' | 'copied' | 'cancelled' | 'failed';

/** Shares with the Web Share API where the platform has it, else copies the link to the clipboard. */
export async function shareLink(
  platform: SharePlatform,
  data: { readonly url: string; readonly title: string; readonly text: string },
): Promise<ShareOutcome> {
  const shareData: ShareData = { url: data.url, title: data.title, text: data.text };
  if (platform.share && (platform.canShare?.(shareData) ?? true)) {
    try {
      await platform.share(shareData);
      return 'shared';
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
      // Refused (no user activation, a policy): copying still works.
    }
  }
  if (!platform.clipboard) return 'failed';
  try {
    await platform.clipboard.writeText(data.url);
    return 'copied';
  } catch {
    return 'failed';
  }
}
