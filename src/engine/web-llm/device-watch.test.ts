import { describe, expect, it } from 'vitest';
import { fakeNavigatorGpu } from '../../test/fake-web-llm';
import { DeviceWatch } from './device-watch';

async function newDevice(gpu: ReturnType<typeof fakeNavigatorGpu>['gpu']) {
  const adapter = await gpu.requestAdapter();
  return adapter.requestDevice();
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('DeviceWatch', () => {
  it('records the first loss of a device asked for while it tracks, with its reason', async () => {
    const { gpu } = fakeNavigatorGpu();
    const watch = new DeviceWatch(gpu);
    const tracking = watch.track();
    const device = await newDevice(gpu);
    expect(tracking.lost()).toBeUndefined();
    device.destroy();
    device.loseUnexpectedly();
    await settled();
    expect(tracking.lost()).toEqual({ reason: 'destroyed', message: 'Device was destroyed.' });
  });

  it('leaves out a device asked for before, and a loss after the tracking stopped', async () => {
    const { gpu } = fakeNavigatorGpu();
    const watch = new DeviceWatch(gpu);
    const earlier = await newDevice(gpu);
    const tracking = watch.track();
    earlier.loseUnexpectedly();
    const later = await newDevice(gpu);
    await settled();
    expect(tracking.lost()).toBeUndefined();
    tracking.stop();
    later.destroy();
    await settled();
    expect(tracking.lost()).toBeUndefined();
  });

  it('does nothing without WebGPU', () => {
    expect(new DeviceWatch(undefined).track().lost()).toBeUndefined();
  });
});
