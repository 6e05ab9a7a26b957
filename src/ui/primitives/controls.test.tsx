// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Button, buttonClass } from './controls';

afterEach(cleanup);

const classesOf = (element: HTMLElement): string[] => [...element.classList].sort();
const sorted = (classes: string): string[] => classes.split(' ').sort();

describe('Button', () => {
  it('is a plain button unless told otherwise, so that it never submits a form by accident', () => {
    const submit = vi.fn((event: Event) => event.preventDefault());
    render(
      <form onSubmit={(event) => submit(event.nativeEvent)}>
        <Button variant="primary">보내기</Button>
      </form>,
    );
    const button = screen.getByRole('button', { name: '보내기' });
    expect(button.getAttribute('type')).toBe('button');
    fireEvent.click(button);
    expect(submit).not.toHaveBeenCalled();
  });

  it('submits when asked to', () => {
    render(
      <Button variant="primary" type="submit">
        보내기
      </Button>,
    );
    expect(screen.getByRole('button').getAttribute('type')).toBe('submit');
  });

  it('forwards the native props, the ref and the handlers', () => {
    const onClick = vi.fn();
    const ref = createRef<HTMLButtonElement>();
    render(
      <Button
        ref={ref}
        variant="outlined"
        size="sm"
        aria-label="설정 열기"
        aria-haspopup="dialog"
        title="설정"
        data-testid="settings"
        onClick={onClick}
      >
        설정
      </Button>,
    );
    const button = screen.getByRole('button', { name: '설정 열기' });
    expect(ref.current).toBe(button);
    expect(button.getAttribute('aria-haspopup')).toBe('dialog');
    expect(button.getAttribute('title')).toBe('설정');
    expect(button.dataset['testid']).toBe('settings');
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('is not clicked while disabled', () => {
    const onClick = vi.fn();
    render(
      <Button variant="ghost" size="xs" disabled onClick={onClick}>
        다시 생성
      </Button>,
    );
    const button = screen.getByRole('button', { name: '다시 생성' });
    expect(button).toHaveProperty('disabled', true);
    fireEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
  });

  it('has the classes of its style, then the caller’s', () => {
    render(
      <Button variant="outlined" tone="muted" size="sm" className="whitespace-nowrap">
        공유
      </Button>,
    );
    const button = screen.getByRole('button', { name: '공유' });
    expect(classesOf(button)).toEqual(
      sorted(buttonClass({ variant: 'outlined', tone: 'muted', size: 'sm' }, 'whitespace-nowrap')),
    );
    expect(button.className.endsWith(' whitespace-nowrap')).toBe(true);
  });
});

describe('buttonClass', () => {
  it('gives every button the same focus ring', () => {
    for (const variant of [
      'primary',
      'secondary',
      'inverse',
      'outlined',
      'ghost',
      'link',
      'plain',
    ] as const) {
      expect(buttonClass({ variant })).toContain(
        'focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:outline-none',
      );
    }
  });

  it('sets a filled button’s focus ring off it, unless told not to', () => {
    expect(buttonClass({ variant: 'primary' })).toContain('focus-visible:ring-offset-2');
    expect(buttonClass({ variant: 'inverse' })).toContain('focus-visible:ring-offset-2');
    expect(buttonClass({ variant: 'secondary', ringOffset: false })).not.toContain('ring-offset');
    expect(buttonClass({ variant: 'outlined' })).not.toContain('ring-offset');
  });

  it('gives the variants their colours and the sizes their shape', () => {
    expect(sorted(buttonClass({ variant: 'primary', size: 'lg' }))).toEqual(
      sorted(
        'rounded-xl bg-teal-700 px-4 py-2 font-medium text-white hover:bg-teal-800 focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:ring-offset-2 focus-visible:outline-none',
      ),
    );
    expect(sorted(buttonClass({ variant: 'ghost', tone: 'faint', size: 'xs' }))).toEqual(
      sorted(
        'rounded-lg px-2 py-1 text-xs text-stone-600 hover:bg-stone-200 focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:outline-none dark:text-stone-400 dark:hover:bg-stone-800',
      ),
    );
    expect(sorted(buttonClass({ variant: 'link' }))).toEqual(
      sorted(
        'underline underline-offset-2 hover:no-underline focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:outline-none',
      ),
    );
  });

  it('leaves the text colour of a button without a fill to the text around it, unless given a tone', () => {
    expect(buttonClass({ variant: 'outlined', size: 'sm' })).not.toMatch(/(^| )text-stone-/);
    expect(buttonClass({ variant: 'outlined', tone: 'muted' })).toContain(
      'text-stone-700 dark:text-stone-300',
    );
  });
});
