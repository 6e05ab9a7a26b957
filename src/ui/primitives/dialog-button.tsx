import { useId, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { Button, type ButtonTone } from './controls';
import { PartSlot } from './lazy-part';

interface DialogButtonProps {
  /** The button's text (a small outlined button, as the header's and the panels' tools are). */
  readonly label: ReactNode;
  readonly tone?: ButtonTone;
  readonly disabled?: boolean;
  readonly title: ReactNode;
  /** The dialog's width and look beyond the app's dialog style. */
  readonly className: string;
  /** Fetches the dialog's part: called as the pointer or the focus reaches the button. */
  readonly preload: () => void;
  readonly onClose?: () => void;
  /** The dialog's content, below its title, first rendered when the dialog first opens. */
  readonly children: (close: () => void) => ReactNode;
}

/**
 * A button that opens a modal dialog whose content is a chunk of its own: fetched when the button is about to
 * be used, shown as "불러오는 중…" if it is not there yet, and told if it cannot come.
 */
export function DialogButton({
  label,
  tone = 'inherit',
  disabled = false,
  title,
  className,
  preload,
  onClose,
  children,
}: DialogButtonProps) {
  const { t } = useI18n();
  const [dialog, setDialog] = useState<HTMLDialogElement | null>(null);
  const titleId = useId();
  const [opened, setOpened] = useState(false);
  const close = (): void => dialog?.close();
  return (
    <>
      <Button
        variant="outlined"
        tone={tone}
        size="sm"
        disabled={disabled}
        aria-haspopup="dialog"
        onIntent={preload}
        onClick={() => {
          setOpened(true);
          dialog?.showModal();
        }}
      >
        {label}
      </Button>
      <dialog
        ref={setDialog}
        aria-labelledby={titleId}
        onClose={onClose}
        className={`m-auto rounded-2xl bg-white p-5 text-stone-900 shadow-xl backdrop:bg-black/40 dark:bg-stone-900 dark:text-stone-100 ${className}`}
      >
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        {opened && (
          <PartSlot
            fallback={<p className="mt-3 text-sm text-stone-600 dark:text-stone-400">{t('part.loading')}</p>}
          >
            {children(close)}
          </PartSlot>
        )}
      </dialog>
    </>
  );
}
