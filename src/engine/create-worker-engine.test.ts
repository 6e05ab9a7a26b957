import { describe, expect, it, vi } from 'vitest';
import { startedOnFirstMessage } from './create-worker-engine';
import type { MessageEndpoint } from './message-endpoint';

/** A worker stand-in that answers every message with an echo. */
function echoWorker(): MessageEndpoint & { readonly posted: unknown[] } {
  const target = new EventTarget();
  const posted: unknown[] = [];
  return {
    posted,
    postMessage(message) {
      posted.push(message);
      target.dispatchEvent(new MessageEvent('message', { data: { echo: message } }));
    },
    addEventListener: (type, listener) => target.addEventListener(type, listener as EventListener),
    removeEventListener: (type, listener) => target.removeEventListener(type, listener as EventListener),
  };
}

describe('an endpoint started on its first message', () => {
  it('starts nothing until a message is posted, then starts once, with the listeners added before', () => {
    const worker = echoWorker();
    const start = vi.fn(() => worker);
    const endpoint = startedOnFirstMessage(start);
    const heard: unknown[] = [];
    endpoint.addEventListener('message', (event) => heard.push(event.data));
    expect(start).not.toHaveBeenCalled();

    endpoint.postMessage('device?');
    endpoint.postMessage('cached?');
    expect(start).toHaveBeenCalledTimes(1);
    expect(worker.posted).toEqual(['device?', 'cached?']);
    expect(heard).toEqual([{ echo: 'device?' }, { echo: 'cached?' }]);
  });

  it('forgets a listener removed before or after the start', () => {
    const endpoint = startedOnFirstMessage(echoWorker);
    const before = vi.fn();
    const after = vi.fn();
    endpoint.addEventListener('message', before);
    endpoint.addEventListener('message', after);
    endpoint.removeEventListener('message', before);
    endpoint.postMessage(1);
    endpoint.removeEventListener('message', after);
    endpoint.postMessage(2);
    expect(before).not.toHaveBeenCalled();
    expect(after).toHaveBeenCalledTimes(1);
  });
});
