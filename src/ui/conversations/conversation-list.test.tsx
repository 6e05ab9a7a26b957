// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatStore } from '../../chat/chat-store';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { withUi } from '../../test/with-ui';
import { ConversationList } from './conversation-list';

afterEach(cleanup);

describe('ConversationList', () => {
  it('shows a date that is no date as nothing, never as "Invalid Date"', () => {
    const store = createChatStore({
      engine: new ScriptedEngine(),
      artifactsBaseUrl: 'http://localhost/models/',
    });
    store.setState({
      conversations: [
        { id: 'far', title: '먼 미래', updatedAt: 1e308, preview: '' },
        { id: 'nan', title: '날짜 없음', updatedAt: Number.NaN, preview: '' },
        { id: 'ok', title: '보통', updatedAt: Date.UTC(2026, 0, 2, 12), preview: '' },
      ],
    });
    render(withUi(<ConversationList />, { store }));
    const list = screen.getByRole('list', { name: '대화 목록' });
    expect(list.textContent).not.toContain('Invalid Date');
    expect(screen.getByRole('button', { name: '먼 미래' }).textContent).toBe('먼 미래');
    expect(screen.getByRole('button', { name: '날짜 없음' }).textContent).toBe('날짜 없음');
    expect(screen.getByRole('button', { name: /^보통/ }).textContent).toBe('보통1월 2일');
  });
});
