/** Work of the engine that an unload, a new load or a delete must stop and wait for. */
interface Running {
  readonly controller: AbortController;
  /** Settles (never rejects) once the engine call has returned. */
  readonly ended: Promise<void>;
}

function run(work: (signal: AbortSignal) => Promise<void>): Running {
  const controller = new AbortController();
  return { controller, ended: work(controller.signal).catch(() => undefined) }; // The call's own caller is told.
}

/**
 * What the engine is doing for the page: its loads, by request, and the one generation (an answer or a
 * measurement) it allows at a time. Each piece of work gets its own abort signal; `settle` stops work and
 * waits for its engine call to return, so that nothing frees the model under a call that still uses it.
 */
export class RunningWork {
  private readonly loads = new Map<number, Running>();
  private generation: (Running & { readonly requestId: number }) | undefined;

  /**
   * Starts a load once every earlier one has ended. The page has left them by then (it runs one at a time),
   * but a load from the cache runs on after its cancel, and a second one beside it would put a second model
   * on the GPU.
   */
  startLoad(requestId: number, work: (signal: AbortSignal) => Promise<void>): void {
    const earlier = [...this.loads.values()];
    const running = run(async (signal) => {
      try {
        for (const { controller } of earlier) controller.abort();
        await Promise.all(earlier.map(({ ended }) => ended));
        await work(signal);
      } finally {
        this.loads.delete(requestId);
      }
    });
    // Its `finally` runs after an await at the earliest, so after this line.
    this.loads.set(requestId, running);
  }

  /** Starts a generation, unless one is running: then it returns false and starts nothing. */
  startGeneration(requestId: number, work: (signal: AbortSignal) => Promise<void>): boolean {
    if (this.generation) return false;
    const current = { requestId, ...run(work) };
    this.generation = current;
    void current.ended.then(() => {
      if (this.generation === current) this.generation = undefined;
    });
    return true;
  }

  cancelLoad(requestId: number): void {
    this.loads.get(requestId)?.controller.abort();
  }

  abortGeneration(requestId: number): void {
    if (this.generation?.requestId === requestId) this.generation.controller.abort();
  }

  /** Stops the running generation and, with `loads`, the running loads; resolves once they have ended. */
  async settle({ loads }: { readonly loads: boolean }): Promise<void> {
    const running = [...(this.generation ? [this.generation] : []), ...(loads ? this.loads.values() : [])];
    for (const { controller } of running) controller.abort();
    await Promise.all(running.map(({ ended }) => ended));
  }
}
