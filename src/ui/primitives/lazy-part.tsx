import { lazy, Suspense, useId, type ComponentType, type ReactNode } from 'react';
import { useReloadDecision } from '../chat-store-context';
import { ErrorBoundary } from '../error-boundary';
import { useI18n } from '../i18n/i18n';
import { Button } from './controls';

export interface LazyPart<P> {
  /** The part; show it inside a {@link PartSlot}. */
  readonly Part: ComponentType<P>;
  /** Starts fetching the part's chunk (on a hover or a focus that announces it), without showing it. */
  readonly preload: () => void;
}

/**
 * A part of the page in a chunk of its own, fetched the first time it shows or is preloaded. A chunk that
 * could not be fetched stays failed until a reload (which is what fetches again): {@link PartSlot} says so.
 */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): LazyPart<P> {
  let loading: Promise<ComponentType<P>> | undefined;
  const fetchPart = (): Promise<ComponentType<P>> => (loading ??= load());
  return {
    Part: lazy(() => fetchPart().then((component) => ({ default: component }))),
    preload: () => {
      fetchPart().catch(() => undefined); // Told where the part is shown: its slot says it could not come.
    },
  };
}

/**
 * A reload button that waits, as an update does, until no answer is being written and no model is loading:
 * a reload would end either.
 */
export function ReloadWhenIdle() {
  const { t } = useI18n();
  const decision = useReloadDecision();
  const waitId = useId();
  return (
    <div className="mt-1 flex flex-wrap items-center gap-2">
      <Button
        variant="outlined"
        size="xs"
        disabled={decision.kind === 'wait'}
        aria-describedby={decision.kind === 'wait' ? waitId : undefined}
        onClick={() => window.location.reload()}
        className="disabled:opacity-50"
      >
        {t('markdown.reload')}
      </Button>
      {decision.kind === 'wait' && <span id={waitId}>{t(`markdown.reloadWait.${decision.reason}`)}</span>}
    </div>
  );
}

/** Where a {@link lazyPart} shows: `fallback` while its chunk comes; a note and a reload if it cannot come. */
export function PartSlot({ children, fallback = null }: { children: ReactNode; fallback?: ReactNode }) {
  const { t } = useI18n();
  return (
    <ErrorBoundary
      fallback={() => (
        <div role="alert" className="text-sm text-amber-900 dark:text-amber-200">
          <p>{t('part.notLoaded')}</p>
          <ReloadWhenIdle />
        </div>
      )}
    >
      <Suspense fallback={fallback}>{children}</Suspense>
    </ErrorBoundary>
  );
}
