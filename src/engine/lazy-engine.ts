import type { ChatEngine } from './chat-engine';
import type { GpuReport } from './protocol';

/**
 * A {@link ChatEngine} whose implementation is imported on first real use, so the worker answers device
 * questions at once without loading a multi-megabyte engine module.
 */
export function lazyEngine(
  load: () => Promise<ChatEngine>,
  inspectDevice: () => Promise<GpuReport>,
): ChatEngine {
  let engine: Promise<ChatEngine> | undefined;
  const get = (): Promise<ChatEngine> => (engine ??= load());
  return {
    inspectDevice,
    isCached: async (model) => (await get()).isCached(model),
    deleteCached: async (model) => (await get()).deleteCached(model),
    importFolder: async (model, files, options) => (await get()).importFolder(model, files, options),
    load: async (model, options) => (await get()).load(model, options),
    generate: async (request, options) => (await get()).generate(request, options),
    measure: async (options) => (await get()).measure(options),
    // Nothing to unload before the engine exists.
    unload: async () => (engine ? (await engine).unload() : undefined),
  };
}
