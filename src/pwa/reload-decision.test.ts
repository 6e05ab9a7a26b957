import { describe, expect, it } from 'vitest';
import type { ModelStatus } from '../chat/types';
import { reloadDecision } from './reload-decision';

const models: ModelStatus['kind'][] = ['idle', 'loading', 'ready', 'failed', 'elsewhere', 'taken-over'];

describe('reloadDecision', () => {
  it('waits while an answer is submitted or streaming, whatever the model does', () => {
    for (const model of models) {
      expect(reloadDecision('submitted', model)).toEqual({ kind: 'wait', reason: 'answering' });
      expect(reloadDecision('streaming', model)).toEqual({ kind: 'wait', reason: 'answering' });
    }
  });

  it('waits while the model loads', () => {
    expect(reloadDecision('ready', 'loading')).toEqual({ kind: 'wait', reason: 'loading-model' });
  });

  it('reloads when the chat is ready and no load is under way', () => {
    for (const model of models.filter((kind) => kind !== 'loading')) {
      expect(reloadDecision('ready', model)).toEqual({ kind: 'now' });
    }
  });
});
