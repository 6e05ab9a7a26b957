import { useSyncExternalStore } from 'react';
import { useI18n } from '../i18n/i18n';
import { usePwa } from '../../pwa/pwa-context';

/** "Install app", shown only while the browser offers installation (Chromium's `beforeinstallprompt`). */
export function InstallButton() {
  const { t } = useI18n();
  const { install } = usePwa();
  const available = useSyncExternalStore(install.subscribe, install.isAvailable);
  if (!available) return null;
  return (
    <button
      type="button"
      title={t('pwa.install.label')}
      onClick={() => void install.install()}
      className="rounded-lg px-2 py-1 text-sm whitespace-nowrap text-stone-700 ring-1 ring-stone-300 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:outline-none dark:text-stone-300 dark:ring-stone-700 dark:hover:bg-stone-800"
    >
      {t('pwa.install')}
    </button>
  );
}
