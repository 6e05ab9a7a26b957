import { useId } from 'react';
import type { WindowOption } from '../../chat/model/gpu-fit';
import { useChat } from '../chat-store-context';
import { Button, settingsSelect } from '../primitives/controls';
import { useI18n } from '../i18n/i18n';

const GB = 1e9;
const MB = 1e6;

/**
 * The build and the context window to load, each window with its estimate of GPU memory and what this
 * device showed of it: one over the GPU's buffer limits cannot be chosen, one that ran out of memory here
 * is marked and explained before anything is loaded.
 */
export function ModelSettings() {
  const { t, formatNumber } = useI18n();
  const preflight = useChat((state) => state.preflight);
  const choice = useChat((state) => state.modelChoice);
  const chooseModel = useChat((state) => state.chooseModel);
  const forgetGpuFit = useChat((state) => state.forgetGpuFit);
  const buildId = useId();
  const windowId = useId();
  const titleId = useId();

  const windows = preflight.kind === 'checking' ? undefined : preflight.windows;
  const builds = preflight.kind === 'checking' ? [] : (preflight.builds ?? []);
  if (preflight.kind === 'checking' || !windows || builds.length === 0) {
    return (
      <section aria-labelledby={titleId} className="mt-3">
        <h3 id={titleId} className="text-sm font-semibold text-stone-700 dark:text-stone-300">
          {t('settings.model')}
        </h3>
        <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">{t('settings.model.unknown')}</p>
      </section>
    );
  }
  const automatic = builds.find((model) => model.quantization === 'q4f16_1') ?? builds[0];
  const firstOpen = windows.find(({ status }) => status === 'untried' || status === 'loaded');
  const chosen = windows.find((option) => option.contextWindow === choice.contextWindow);
  const overLimits = windows.find(({ status }) => status === 'over-limits');
  const hasOutcomes = windows.some(({ status }) => status === 'failed' || status === 'loaded');
  const label = (option: WindowOption): string => {
    const base = t('settings.window.option', {
      tokens: formatNumber(option.contextWindow),
      size: formatNumber(option.gpuMemoryBytes / GB, 1),
    });
    return option.status === 'untried' ? base : `${base} · ${t(`settings.window.status.${option.status}`)}`;
  };
  const setQuantization = (value: string): void => {
    const { quantization: _previous, ...rest } = choice;
    const found = builds.find((model) => model.quantization === value);
    chooseModel(found ? { ...rest, quantization: found.quantization } : rest);
  };
  const setWindow = (value: string): void => {
    const { contextWindow: _previous, ...rest } = choice;
    const found = windows.find((option) => String(option.contextWindow) === value);
    chooseModel(found ? { ...rest, contextWindow: found.contextWindow } : rest);
  };

  return (
    <section aria-labelledby={titleId} className="mt-3" data-testid="model-settings">
      <h3 id={titleId} className="text-sm font-semibold text-stone-700 dark:text-stone-300">
        {t('settings.model')}
      </h3>
      <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">{t('settings.model.intro')}</p>
      <div className="grid grid-cols-[auto_1fr] items-center gap-x-4 gap-y-2 py-2">
        <label htmlFor={buildId} className="font-medium">
          {t('settings.build')}
        </label>
        <select
          id={buildId}
          value={choice.quantization ?? ''}
          onChange={(event) => setQuantization(event.target.value)}
          className={settingsSelect}
        >
          <option value="">
            {t('settings.build.auto', { quantization: automatic?.quantization ?? '' })}
          </option>
          {builds.map((model) => (
            <option key={model.id} value={model.quantization}>
              {t('settings.build.option', {
                quantization: model.quantization,
                size: formatNumber(model.downloadBytes / GB, 1),
              })}
            </option>
          ))}
        </select>
        <label htmlFor={windowId} className="font-medium">
          {t('settings.window')}
        </label>
        <select
          id={windowId}
          value={chosen ? String(chosen.contextWindow) : ''}
          onChange={(event) => setWindow(event.target.value)}
          aria-describedby={`${windowId}-help`}
          className={settingsSelect}
        >
          <option value="">
            {t('settings.window.auto', { tokens: formatNumber(firstOpen?.contextWindow ?? 0) })}
          </option>
          {windows.map((option) => (
            <option
              key={option.contextWindow}
              value={option.contextWindow}
              disabled={option.status === 'over-limits'}
            >
              {label(option)}
            </option>
          ))}
        </select>
      </div>
      <div id={`${windowId}-help`} className="space-y-1 text-xs text-stone-600 dark:text-stone-400">
        {chosen?.status === 'failed' && (
          <p
            role="status"
            className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          >
            {t('settings.window.failedHelp')}
          </p>
        )}
        {overLimits && (
          <p>
            {t('settings.window.overLimitsHelp', {
              needed: formatNumber(overLimits.largestBufferBytes / MB, 1),
              available: formatNumber(overLimits.limitBytes / MB, 1),
            })}
          </p>
        )}
      </div>
      {hasOutcomes && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <Button variant="outlined" size="sm" onClick={forgetGpuFit}>
            {t('settings.forget')}
          </Button>
          <span className="text-xs text-stone-600 dark:text-stone-400">{t('settings.forget.help')}</span>
        </div>
      )}
    </section>
  );
}
