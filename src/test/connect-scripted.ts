import { EngineClient } from '../engine/engine-client';
import { serveEngine } from '../engine/engine-host';
import type { ScriptedScenario } from '../engine/protocol';
import { ScriptedEngine } from '../engine/scripted/scripted-engine';

/**
 * The page's engine client wired to the worker host and the scripted engine over a real MessageChannel:
 * the same code path as the app, minus the Worker.
 */
export function connectScriptedEngine<T extends ScriptedEngine = ScriptedEngine>(
  scenario: ScriptedScenario = { tokenDelayMs: 1, loadMs: 5 },
  /** The engine in the worker, for a test that watches what reaches it. */
  engine: T = new ScriptedEngine(scenario) as T,
  // Each piece its own event, so that tests can follow a stream piece by piece; the app gathers them.
  deltaIntervalMs = 0,
) {
  const channel = new MessageChannel();
  serveEngine(channel.port2, {
    engine,
    onScenario: (next) => engine.setScenario(next),
    deltaIntervalMs,
  });
  const client = new EngineClient(channel.port1);
  return {
    client,
    workerSide: engine,
    /** Posts raw data to the worker side, as a foreign page version might. */
    postRaw: (data: unknown) => channel.port1.postMessage(data),
    close: () => {
      channel.port1.close();
      channel.port2.close();
    },
  };
}
