import { useId, useState } from 'react';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { useSettings } from '../settings-context';
import { Button, settingsSelect } from '../primitives/controls';
import { ModelSettings } from './model-settings';
import { parseFieldValue, parseSeed, samplingFields, type SamplingField } from './sampling-fields';

const inputClass =
  'w-28 rounded-lg border border-stone-300 bg-white px-2 py-1 text-right tabular-nums focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none aria-invalid:border-red-600 dark:border-stone-700 dark:bg-stone-900';

function NumberField({ field }: { field: SamplingField }) {
  const { t } = useI18n();
  const value = useChat((state) => state.sampling[field.key]);
  const setSampling = useChat((state) => state.setSampling);
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  const id = useId();
  // Follow the store when it changes from outside (a reset), without fighting the user's typing.
  if (shown !== value) {
    setShown(value);
    setText(String(value));
  }
  const invalid = parseFieldValue(field, text) === undefined;
  return (
    <div className="grid grid-cols-[1fr_auto] items-start gap-x-4 gap-y-0.5 py-2">
      <label htmlFor={id} className="font-medium">
        {t(field.label)}
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={field.min}
        max={field.max}
        step={field.step}
        value={text}
        aria-invalid={invalid}
        aria-describedby={`${id}-help`}
        onChange={(event) => {
          setText(event.target.value);
          const parsed = parseFieldValue(field, event.target.value);
          if (parsed !== undefined) setSampling({ [field.key]: parsed });
        }}
        className={inputClass}
      />
      <p id={`${id}-help`} className="col-span-2 text-xs text-stone-600 dark:text-stone-400">
        {t(field.help, { value: MODEL_CARD_SAMPLING[field.key], min: field.min, max: field.max })}
      </p>
    </div>
  );
}

function SeedField() {
  const { t } = useI18n();
  const seed = useChat((state) => state.sampling.seed);
  const setSeed = useChat((state) => state.setSeed);
  const [text, setText] = useState(seed === undefined ? '' : String(seed));
  const [shown, setShown] = useState(seed);
  const id = useId();
  if (shown !== seed) {
    setShown(seed);
    setText(seed === undefined ? '' : String(seed));
  }
  const invalid = parseSeed(text) === undefined;
  return (
    <div className="grid grid-cols-[1fr_auto] items-start gap-x-4 gap-y-0.5 py-2">
      <label htmlFor={id} className="font-medium">
        {t('settings.seed')}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={0}
        step={1}
        value={text}
        aria-invalid={invalid}
        aria-describedby={`${id}-help`}
        onChange={(event) => {
          setText(event.target.value);
          const parsed = parseSeed(event.target.value);
          if (parsed !== undefined) setSeed(parsed ?? undefined);
        }}
        className={inputClass}
      />
      <p id={`${id}-help`} className="col-span-2 text-xs text-stone-600 dark:text-stone-400">
        {t('settings.seed.help')}
      </p>
    </div>
  );
}

function AppSettings() {
  const { t } = useI18n();
  const locale = useSettings((state) => state.locale);
  const setLocale = useSettings((state) => state.setLocale);
  const theme = useSettings((state) => state.theme);
  const setTheme = useSettings((state) => state.setTheme);
  const languageId = useId();
  const themeId = useId();
  return (
    <section aria-labelledby={`${languageId}-title`} className="mt-3">
      <h3 id={`${languageId}-title`} className="text-sm font-semibold text-stone-700 dark:text-stone-300">
        {t('settings.app')}
      </h3>
      <div className="grid grid-cols-[1fr_auto] items-center gap-x-4 gap-y-2 py-2">
        <label htmlFor={languageId} className="font-medium">
          {t('settings.language')}
        </label>
        <select
          id={languageId}
          value={locale}
          onChange={(event) => setLocale(event.target.value === 'en' ? 'en' : 'ko')}
          className={settingsSelect}
        >
          <option value="ko" lang="ko">
            한국어
          </option>
          <option value="en" lang="en">
            English
          </option>
        </select>
        <label htmlFor={themeId} className="font-medium">
          {t('settings.theme')}
        </label>
        <select
          id={themeId}
          value={theme}
          onChange={(event) => {
            const value = event.target.value;
            setTheme(value === 'light' || value === 'dark' ? value : 'system');
          }}
          className={settingsSelect}
        >
          <option value="system">{t('settings.theme.system')}</option>
          <option value="light">{t('settings.theme.light')}</option>
          <option value="dark">{t('settings.theme.dark')}</option>
        </select>
      </div>
    </section>
  );
}

/** What the settings dialog holds: the app's settings, the model's and the conversation's sampling values. */
export function SettingsContent({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const resetSampling = useChat((state) => state.resetSampling);
  return (
    <>
      <AppSettings />
      <ModelSettings />
      <h3 className="mt-3 text-sm font-semibold text-stone-700 dark:text-stone-300">
        {t('settings.sampling')}
      </h3>
      <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">{t('settings.intro')}</p>
      <div className="mt-2 divide-y divide-stone-200 dark:divide-stone-800">
        {samplingFields.map((field) => (
          <NumberField key={field.key} field={field} />
        ))}
        <SeedField />
        <div className="py-2" data-testid="beams-unavailable">
          <p className="font-medium text-stone-500">{t('settings.beams')}</p>
          <p className="text-xs text-stone-600 dark:text-stone-400">{t('settings.beams.help')}</p>
        </div>
      </div>
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        <Button variant="secondary" size="lg" ringOffset={false} onClick={resetSampling}>
          {t('settings.reset')}
        </Button>
        <Button variant="primary" size="lg" onClick={onClose}>
          {t('settings.close')}
        </Button>
      </div>
    </>
  );
}
