// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { withUi } from '../../test/with-ui';
import { LongText, PREVIEW_CHARACTERS, previewEnd, splitPieces } from './long-text';

afterEach(cleanup);

describe('LongText', () => {
  it('shows a short text whole, as one paragraph', () => {
    render(withUi(<LongText text={'첫 줄\n둘째 줄'} testId="text" />));
    const text = screen.getByTestId('text');
    expect(text.tagName).toBe('P');
    expect(text.textContent).toBe('첫 줄\n둘째 줄');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('puts only a preview of a million characters in the page, and shows more in laid-out-on-demand pieces', () => {
    const text = '아주 긴 메시지입니다. '.repeat(100_000).slice(0, 1_000_000);
    render(withUi(<LongText text={text} testId="text" />));
    const shown = (): string => screen.getByTestId('text').textContent;
    expect(shown().length).toBeLessThanOrEqual(PREVIEW_CHARACTERS + 1);
    expect(text.startsWith(shown().replace(/…$/, ''))).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: /더 보기 \(998,5\d\d자 더\)/ }));
    const pieces = [...screen.getByTestId('text').querySelectorAll('span.block')];
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.textContent.length).toBeLessThanOrEqual(2_000);
    expect(pieces.map((piece) => piece.textContent).join('')).toBe(text.slice(0, shown().length - 1));
    expect(shown().length).toBeLessThan(110_000);

    fireEvent.click(screen.getByRole('button', { name: '접기' }));
    expect(shown().length).toBeLessThanOrEqual(PREVIEW_CHARACTERS + 1);
  });

  it('speaks English when the settings say so', () => {
    render(withUi(<LongText text={'x'.repeat(5_000)} />, { locale: 'en' }));
    expect(screen.getByRole('button', { name: 'Show more (3,500 more characters)' })).toBeTruthy();
  });
});

describe('previewEnd', () => {
  it('stops at 25 lines or the preview length, whichever comes first', () => {
    expect(previewEnd('짧은 글')).toBe(4);
    const lines = Array.from({ length: 40 }, (_, index) => `줄 ${index}`).join('\n');
    expect(lines.slice(0, previewEnd(lines)).split('\n')).toHaveLength(26);
    expect(previewEnd('가'.repeat(3_000))).toBe(PREVIEW_CHARACTERS);
  });
});

describe('splitPieces', () => {
  it('gives back the text whole, cut at line or word ends, never inside a surrogate pair', () => {
    const texts = [
      '한 줄입니다.\n'.repeat(2_000),
      '띄어 쓴 문장 '.repeat(2_000),
      '붙여쓴문장'.repeat(2_000),
      '🙂'.repeat(3_000),
    ];
    for (const text of texts) {
      const pieces = splitPieces(text);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(2_000);
        expect(piece.length).toBeGreaterThan(0);
        expect(/[\uD800-\uDBFF]$/.test(piece)).toBe(false);
      }
    }
    expect(splitPieces('한 줄입니다.\n'.repeat(2_000)).every((piece) => piece.endsWith('\n'))).toBe(true);
    expect(splitPieces('띄어 쓴 문장 '.repeat(2_000)).every((piece) => piece.endsWith(' '))).toBe(true);
  });
});
