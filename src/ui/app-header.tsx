import type { ReactNode } from 'react';
import { useI18n } from './i18n/i18n';
import { Button } from './primitives/controls';
import { InstallButton } from './pwa/install-button';
import { ShareButton } from './pwa/share-button';

/**
 * The app's header, on every page: its name, the install and share offers, and the language. `menu` opens
 * the conversation list on narrow screens, `status` is the model's, `actions` act on the conversation; the
 * page a shared link opens on has none of them.
 */
export function AppHeader({
  menu,
  status,
  actions,
}: {
  menu?: ReactNode;
  status?: ReactNode;
  actions?: ReactNode;
}) {
  const { t, locale, setLocale } = useI18n();
  return (
    <header className="flex items-center gap-1.5 border-b border-stone-200 bg-white/90 px-3 py-3 backdrop-blur sm:gap-3 sm:px-4 dark:border-stone-800 dark:bg-stone-950/90">
      {menu}
      <div className="min-w-0 flex-1">
        <h1 className="truncate text-base leading-tight font-bold sm:text-lg">{t('app.title')}</h1>
        <p className="hidden truncate text-xs text-stone-600 sm:block dark:text-stone-400">
          {t('app.tagline')}
        </p>
      </div>
      {status}
      <InstallButton />
      <ShareButton />
      {actions}
      <Button
        variant="outlined"
        tone="muted"
        size="sm"
        lang={locale === 'ko' ? 'en' : 'ko'}
        aria-label={t('app.languageLabel')}
        onClick={() => setLocale(locale === 'ko' ? 'en' : 'ko')}
        className="hidden sm:inline-block"
      >
        {t('app.language')}
      </Button>
    </header>
  );
}

/** The page's frame: `side` beside the column of the header and the main content (`children`). */
export function AppFrame({
  side,
  header,
  children,
}: {
  side?: ReactNode;
  header: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex h-dvh bg-stone-50 text-stone-900 dark:bg-stone-950 dark:text-stone-100">
      {side}
      <div className="flex min-w-0 flex-1 flex-col">
        {header}
        <main className="flex min-h-0 flex-1 flex-col">{children}</main>
      </div>
    </div>
  );
}
