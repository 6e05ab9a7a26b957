import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { DialogButton } from '../primitives/dialog-button';
import { lazyPart } from '../primitives/lazy-part';

// Used once in a while, with the model loaded: the measurement's table and report are a chunk of their own.
const measureContent = lazyPart(() => import('./measure-panel').then((module) => module.MeasureContent));

/** "이 기기에서 측정": how fast this device runs the model, in a dialog, with a report to copy. */
export function MeasureButton() {
  const { t } = useI18n();
  const canStart = useChat((state) => state.model.kind === 'ready' && state.status === 'ready');
  const closeMeasure = useChat((state) => state.closeMeasure);
  return (
    <DialogButton
      label={t('measure.open')}
      disabled={!canStart}
      title={t('measure.title')}
      className="w-[min(48rem,calc(100%-2rem))]"
      preload={measureContent.preload}
      onClose={closeMeasure}
    >
      {(close) => <measureContent.Part onClose={close} />}
    </DialogButton>
  );
}
