import * as v from 'valibot';
import { check, object } from '../../schema/issues';
import { activePath, type Conversation, type Exchange } from '../conversation';
import { markInterrupted } from '../interrupted';
import { conversationDataSchema } from './conversation-data';
import { identifier } from './fields';
import { fromConversationData, toConversationData } from './conversation-data';
import { crc32, deflate, fromBase64Url, inflate, toBase64Url } from './link-bytes';
import { isSharedFragment, SHARE_FRAGMENT_PREFIX } from './share-fragment';

export { isSharedFragment, SHARE_FRAGMENT_PREFIX };

/**
 * What follows `#` in a shared conversation's link: `share=<version>.<payload length>.<CRC-32>.<payload>`. The
 * length tells a link cut short from a damaged one, and the checksum catches a changed character.
 */
export const SHARE_FORMAT = 'hangul-llama-share';
export const SHARE_VERSION = 1;

/**
 * Above this length a link risks being cut by the app it is pasted into. Published limits differ widely
 * (docs/sharing.md); 32,000 characters passes the roomy ones, and the user is warned and offered a file.
 */
export const MESSENGER_LINK_LENGTH = 32_000;
/** Chromium refuses longer URLs (2 MiB); no link is made past this. */
export const MAX_LINK_LENGTH = 2 * 1024 * 1024;
/**
 * How much text a link may inflate to. A link that fits the URL limit inflates to a few MiB of real
 * conversation; anything far beyond is a deflate bomb, stopped here.
 */
export const MAX_SHARED_BYTES = 32 * 1024 * 1024;

/** A conversation as a link carries it: the path that was shown, and the model that answered. */
export interface SharedConversation {
  readonly conversation: Conversation;
  /** The model id of the build that answered, when a model was loaded. */
  readonly modelId: string | undefined;
}

/**
 * `truncated`: shorter than it says (a messenger cut it). `corrupt`: changed on the way. `foreign`: not a
 * link of this app. `too-large`: longer than a browser keeps, or inflating past the bound. `newer-version`:
 * made by a newer version of the app.
 */
export type SharedLinkProblem = 'truncated' | 'corrupt' | 'foreign' | 'too-large' | 'newer-version';

export type SharedLinkResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'shared'; readonly shared: SharedConversation }
  | { readonly kind: 'invalid'; readonly problem: SharedLinkProblem; readonly detail: string };

/** Tells a link of this app (whatever else is wrong with it) from JSON written by something else. */
const headSchema = v.looseObject({ format: v.literal(SHARE_FORMAT) });

/**
 * What a link's data holds once inflated. `conversation` is a backup's conversation record, checked by the
 * very schema that checks backups (and then by the same tree check), so a link can carry nothing a backup
 * could not.
 */
export const sharedEnvelopeSchema = object({
  format: v.literal(SHARE_FORMAT, `expected "${SHARE_FORMAT}"`),
  version: v.literal(SHARE_VERSION, `expected ${SHARE_VERSION}, the version outside`),
  modelId: v.exactOptional(identifier),
  conversation: conversationDataSchema,
});

export type SharedEnvelope = v.InferOutput<typeof sharedEnvelopeSchema>;

/** The selected path only, one version per exchange, so the link holds what the sharer saw. */
export function shownPath(conversation: Conversation): Conversation {
  let first: Exchange | undefined;
  for (const { exchange, version } of activePath(conversation).reverse()) {
    first = { id: exchange.id, selected: 0, versions: [{ ...version, next: first }] };
  }
  return { ...conversation, first };
}

/** The link's fragment (without `#`) for the conversation's shown path. */
export async function encodeSharedConversation(shared: SharedConversation): Promise<string> {
  const envelope: SharedEnvelope = {
    format: SHARE_FORMAT,
    version: SHARE_VERSION,
    ...(shared.modelId === undefined ? {} : { modelId: shared.modelId }),
    conversation: toConversationData(markInterrupted(shownPath(shared.conversation))),
  };
  const payload = toBase64Url(await deflate(JSON.stringify(envelope)));
  return `${SHARE_FRAGMENT_PREFIX}${SHARE_VERSION}.${payload.length}.${crc32(payload)}.${payload}`;
}

const invalid = (problem: SharedLinkProblem, detail: string): SharedLinkResult => ({
  kind: 'invalid',
  problem,
  detail,
});

/**
 * Reads a shared conversation from a location's hash (with or without `#`). Every field is checked as a
 * backup's conversation is, before anything is shown; `none` when the hash is not a shared link at all.
 */
export async function decodeSharedConversation(hash: string): Promise<SharedLinkResult> {
  if (!isSharedFragment(hash)) return { kind: 'none' };
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (fragment.length > MAX_LINK_LENGTH) {
    return invalid(
      'too-large',
      `the link has ${fragment.length} characters; at most ${MAX_LINK_LENGTH} are read`,
    );
  }
  const [versionText = '', lengthText, checksum, payload = '', ...extra] = fragment
    .slice(SHARE_FRAGMENT_PREFIX.length)
    .split('.');
  const version = /^\d{1,6}$/.test(versionText) ? Number(versionText) : undefined;
  if (version === undefined || version < 1) return invalid('foreign', 'expected share=<version>.…');
  if (version > SHARE_VERSION) {
    return invalid('newer-version', `the link has version ${version}; this app reads up to ${SHARE_VERSION}`);
  }
  if (lengthText === undefined || checksum === undefined) {
    return invalid('truncated', 'the link ends before its data');
  }
  if (!/^\d{1,8}$/.test(lengthText) || !/^[0-9a-f]{8}$/.test(checksum) || extra.length > 0) {
    return invalid('foreign', 'expected share=<version>.<length>.<checksum>.<data>');
  }
  const length = Number(lengthText);
  if (payload.length < length) {
    return invalid('truncated', `the link has ${payload.length} of its ${length} characters of data`);
  }
  if (payload.length > length || crc32(payload) !== checksum) {
    return invalid('corrupt', 'the data does not match its length and checksum');
  }
  const bytes = fromBase64Url(payload);
  if (!bytes) return invalid('corrupt', 'the data is not base64url');
  const inflated = await inflate(bytes, MAX_SHARED_BYTES);
  if (inflated.kind === 'failed') {
    return inflated.reason === 'too-large'
      ? invalid('too-large', `the data inflates past ${MAX_SHARED_BYTES} bytes`)
      : invalid('corrupt', 'the data does not inflate to UTF-8 text');
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(inflated.text);
  } catch {
    return invalid('corrupt', 'the data is not JSON');
  }
  if (!v.is(headSchema, envelope)) return invalid('foreign', `expected "format": "${SHARE_FORMAT}"`);
  const checked = check(sharedEnvelopeSchema, envelope, '');
  if (!checked.ok) return invalid('corrupt', checked.reason);
  const { modelId, conversation } = checked.value;
  const parsed = fromConversationData(conversation, 'conversation');
  if (!parsed.ok) return invalid('corrupt', parsed.reason);
  return {
    kind: 'shared',
    // A link made by hand may hold more than a path; only what is shown (and saved) is kept.
    shared: { conversation: markInterrupted(shownPath(parsed.value)), modelId },
  };
}
