import { useSyncExternalStore } from 'react';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { usePwa } from '../../pwa/pwa-context';

/** "Install app", shown only while the browser offers installation (Chromium's `beforeinstallprompt`). */
export function InstallButton() {
  const { t } = useI18n();
  const { install } = usePwa();
  const available = useSyncExternalStore(install.subscribe, install.isAvailable);
  if (!available) return null;
  return (
    <Button
      variant="outlined"
      tone="muted"
      size="sm"
      title={t('pwa.install.label')}
      onClick={() => void install.install()}
      className="whitespace-nowrap"
    >
      {t('pwa.install')}
    </Button>
  );
}
