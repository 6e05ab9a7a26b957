import { build } from 'esbuild';
import { expect, test } from '@playwright/test';
import { findChromium, QUIET_CHROMIUM_ARGS } from '../browser';

// Chromium's WebGPU on the CPU (SwiftShader): real GPU objects, which the watch wraps.
const chromium = findChromium();
test.use({
  launchOptions: {
    ...('path' in chromium ? { executablePath: chromium.path } : {}),
    args: [...QUIET_CHROMIUM_ARGS, '--enable-unsafe-webgpu'],
  },
});

/**
 * The device watch of the real engine on Chromium's own `navigator.gpu`: jsdom and the double have only
 * fakes, so only a browser shows that wrapping `requestAdapter` and `requestDevice` of the platform's objects
 * works, and what a destroyed device's `lost` says.
 */
test('the device watch sees a device that web-llm would ask for get destroyed, with its reason', async ({
  page,
}) => {
  const bundle = await build({
    entryPoints: ['src/engine/web-llm/device-watch.ts'],
    bundle: true,
    format: 'iife',
    globalName: 'deviceWatch',
    write: false,
    logLevel: 'silent',
  });
  // A blank page on localhost, a secure context, where WebGPU is offered.
  const blank = 'http://localhost:9/blank.html';
  await page.route(blank, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><title>blank</title>',
    }),
  );
  await page.goto(blank);
  await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
  const result = await page.evaluate(async () => {
    type Loss = { reason: string; message: string } | undefined;
    const { DeviceWatch } = (
      window as unknown as {
        deviceWatch: {
          DeviceWatch: new (gpu: unknown) => { track(): { lost(): Loss; stop(): void } };
        };
      }
    ).deviceWatch;
    const watch = new DeviceWatch(navigator.gpu);
    const before = await (await navigator.gpu.requestAdapter())?.requestDevice();
    const tracking = watch.track();
    // As web-llm's detectGPUDevice asks for its device.
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    const device = await adapter?.requestDevice();
    before?.destroy();
    await before?.lost;
    const afterEarlier = tracking.lost();
    device?.destroy();
    await device?.lost;
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { afterEarlier, lost: tracking.lost() };
  });
  expect(result.afterEarlier).toBeUndefined();
  expect(result.lost).toMatchObject({ reason: 'destroyed' });
});
