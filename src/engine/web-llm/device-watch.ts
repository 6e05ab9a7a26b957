/** What a `GPUDevice`'s `lost` promise resolves with. */
export interface DeviceLoss {
  /** `destroyed` when the device was destroyed (TVM destroys it when a buffer cannot be made), else `unknown`. */
  readonly reason: string;
  readonly message: string;
}

/** The slice of `navigator.gpu` that web-llm asks for its device, as the watch wraps it. */
export interface WatchableGpu {
  requestAdapter(options?: object): Promise<WatchableAdapter | null>;
}

interface WatchableAdapter {
  requestDevice(descriptor?: object): Promise<WatchableDevice>;
}

interface WatchableDevice {
  readonly lost: Promise<DeviceLoss>;
}

/** The losses of the devices asked for while it runs, the first one kept. */
export interface DeviceTracking {
  lost(): DeviceLoss | undefined;
  stop(): void;
}

/**
 * Watches the GPU devices that web-llm asks for. web-llm owns its device and tells of its loss only by a log
 * line and whatever error the rest of the load then meets: its own `DeviceLostError` at the end of `reload`,
 * or, since TVM disposes its instance when the device goes ("Device lost, calling Instance.dispose()"), any
 * failure of the steps after. So the worker wraps `requestAdapter` and `requestDevice` of its own
 * `navigator.gpu` (web-llm's `detectGPUDevice` calls them on every load) and listens to each device's `lost`
 * itself: a load that fails after its device was lost failed for the device, most likely its memory.
 */
export class DeviceWatch {
  private readonly trackers = new Set<(loss: DeviceLoss) => void>();

  constructor(gpu: WatchableGpu | undefined) {
    if (!gpu) return;
    const requestAdapter = gpu.requestAdapter.bind(gpu);
    gpu.requestAdapter = async (options) => {
      const adapter = await requestAdapter(options);
      if (!adapter) return adapter;
      const requestDevice = adapter.requestDevice.bind(adapter);
      adapter.requestDevice = async (descriptor) => {
        const device = await requestDevice(descriptor);
        // Only the trackers running now: a device lost later belongs to a later question.
        const listening = [...this.trackers];
        void device.lost.then((loss) => {
          for (const listener of listening) listener(loss);
        });
        return device;
      };
      return adapter;
    };
  }

  /** Starts recording the loss of any device asked for from now on. */
  track(): DeviceTracking {
    let first: DeviceLoss | undefined;
    let active = true;
    const listener = (loss: DeviceLoss): void => {
      if (active) first ??= { reason: loss.reason, message: loss.message };
    };
    this.trackers.add(listener);
    return {
      lost: () => first,
      stop: () => {
        active = false;
        this.trackers.delete(listener);
      },
    };
  }
}
