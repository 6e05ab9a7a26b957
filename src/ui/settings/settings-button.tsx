import { useI18n } from '../i18n/i18n';
import { DialogButton } from '../primitives/dialog-button';
import { lazyPart } from '../primitives/lazy-part';

// Opened now and then, never on the first screen: the fields and their checks are a chunk of their own.
const settingsContent = lazyPart(() =>
  import('./sampling-settings').then((module) => module.SettingsContent),
);

/** The header's settings button and its dialog: the app's settings and the conversation's sampling values. */
export function SettingsButton() {
  const { t } = useI18n();
  return (
    <DialogButton
      label={t('settings.open')}
      tone="muted"
      title={t('settings.title')}
      className="w-[min(32rem,calc(100%-2rem))]"
      preload={settingsContent.preload}
    >
      {(close) => <settingsContent.Part onClose={close} />}
    </DialogButton>
  );
}
