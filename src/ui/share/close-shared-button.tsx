import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';

/** Back from a shared conversation (or a link that could not be opened) to the user's own, as they were. */
export function CloseSharedButton({ onClose, onIntent }: { onClose: () => void; onIntent?: () => void }) {
  const { t } = useI18n();
  return (
    <Button
      variant="outlined"
      size="lg"
      onClick={onClose}
      {...(onIntent === undefined ? {} : { onIntent })}
      className="text-sm font-medium text-stone-800 dark:text-stone-200"
    >
      {t('shared.close')}
    </Button>
  );
}
