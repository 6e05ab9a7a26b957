import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';

/**
 * Past this many characters (or {@link PREVIEW_LINES} lines) a text is shown folded. Laying out text is not
 * linear in its length (without a Korean font, 10,000 spaced Hangul characters take ~70 ms, 100,000 ~2.5 s, and
 * 1,000,000 minutes), so a message of any size must never reach layout whole.
 */
export const PREVIEW_CHARACTERS = 1_500;
const PREVIEW_LINES = 25;
/** How much each "더 보기" adds. Only the pieces near the viewport are laid out, so this can be large. */
const STEP_CHARACTERS = 100_000;
/** Longest piece laid out on its own; a piece off screen is skipped by `content-visibility: auto`. */
const PIECE_CHARACTERS = 2_000;

/** Where a folded text ends: after at most {@link PREVIEW_CHARACTERS} and {@link PREVIEW_LINES} lines. */
export function previewEnd(text: string): number {
  let end = Math.min(text.length, PREVIEW_CHARACTERS);
  let newline = -1;
  for (let line = 0; line < PREVIEW_LINES; line += 1) {
    newline = text.indexOf('\n', newline + 1);
    if (newline === -1 || newline >= end) return end;
  }
  end = newline + 1;
  return end;
}

/** A cut at or before `limit` that falls after a newline or a space if there is one, and never inside a pair. */
function cutBefore(text: string, start: number, limit: number): number {
  if (limit >= text.length) return text.length;
  const newline = text.lastIndexOf('\n', limit - 1);
  if (newline >= start + PIECE_CHARACTERS / 2) return newline + 1;
  const space = text.lastIndexOf(' ', limit - 1);
  if (space >= start + PIECE_CHARACTERS / 2) return space + 1;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/** Splits text into pieces of at most {@link PIECE_CHARACTERS}, at line or word ends where it can. */
export function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length;) {
    const end = cutBefore(text, start, start + PIECE_CHARACTERS);
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** A stand-in height for a piece not laid out yet: about 40 characters a line, 1.5rem a line. */
const estimatedHeight = (piece: string): string => {
  let lines = 1;
  for (let index = piece.indexOf('\n'); index !== -1; index = piece.indexOf('\n', index + 1)) lines += 1;
  return `auto ${(lines + Math.floor(piece.length / 40)) * 1.5}rem`;
};

interface LongTextProps {
  readonly text: string;
  readonly className?: string;
  /** Put on the element that holds the text itself, not on the buttons. */
  readonly testId?: string;
}

/**
 * Plain text of any length, folded when long ("더 보기" shows more, "접기" folds it again). Short text is one
 * paragraph, as it always was; long text is cut into pieces that the browser lays out only near the viewport.
 */
export function LongText({ text, className = '', testId }: LongTextProps) {
  const { t, formatNumber } = useI18n();
  const [limit, setLimit] = useState<number | undefined>(undefined);
  const folded = previewEnd(text);
  const end = Math.min(text.length, limit ?? folded);
  const shown = end < text.length ? text.slice(0, end) : text;
  const pieces = shown.length > PIECE_CHARACTERS ? splitPieces(shown) : undefined;
  const rest = text.length - end;
  return (
    <>
      <p className={`break-keep whitespace-pre-wrap ${className}`} data-testid={testId}>
        {pieces === undefined
          ? shown
          : pieces.map((piece, index) => (
              <span
                // Pieces only ever grow at the end, so the index is a stable identity.
                key={index}
                className="block [content-visibility:auto]"
                style={{ containIntrinsicBlockSize: estimatedHeight(piece) }}
              >
                {piece}
              </span>
            ))}
        {rest > 0 && <span aria-hidden="true">…</span>}
      </p>
      {(rest > 0 || end > folded) && (
        <p className="mt-1 flex flex-wrap gap-x-3 text-xs">
          {rest > 0 && (
            <Button variant="link" onClick={() => setLimit(end + STEP_CHARACTERS)} className="font-medium">
              {t('text.more', { count: formatNumber(rest) })}
            </Button>
          )}
          {end > folded && (
            <Button variant="link" onClick={() => setLimit(undefined)}>
              {t('text.less')}
            </Button>
          )}
        </p>
      )}
    </>
  );
}
