import { useChat } from './chat-store-context';
import { Composer } from './chat/composer';
import { MessageList } from './chat/message-list';
import { useI18n } from './i18n/i18n';
import type { MessageKey } from './i18n/messages';
import { ModelPanel } from './model/model-panel';
import { SamplingSettings } from './settings/sampling-settings';
import type { ModelStatus } from '../chat/types';

const statusStyle: Record<ModelStatus['kind'], { readonly key: MessageKey; readonly dot: string }> = {
  idle: { key: 'model.status.idle', dot: 'bg-stone-400' },
  loading: { key: 'model.status.loading', dot: 'bg-amber-500 animate-pulse' },
  ready: { key: 'model.status.ready', dot: 'bg-emerald-500' },
  failed: { key: 'model.status.failed', dot: 'bg-red-600' },
  elsewhere: { key: 'model.status.elsewhere', dot: 'bg-stone-400' },
  'taken-over': { key: 'model.status.elsewhere', dot: 'bg-stone-400' },
};

function Header() {
  const { t, locale, setLocale } = useI18n();
  const model = useChat((state) => state.model);
  const checking = useChat((state) => state.preflight.kind === 'checking');
  const status = statusStyle[model.kind];
  return (
    <header className="flex items-center gap-3 border-b border-stone-200 bg-white/90 px-4 py-3 backdrop-blur dark:border-stone-800 dark:bg-stone-950/90">
      <div className="min-w-0 flex-1">
        <h1 className="text-lg leading-tight font-bold">{t('app.title')}</h1>
        <p className="truncate text-xs text-stone-600 dark:text-stone-400">{t('app.tagline')}</p>
      </div>
      <p
        className="flex items-center gap-2 text-sm text-stone-700 dark:text-stone-300"
        data-testid="model-status"
      >
        <span aria-hidden="true" className={`size-2.5 rounded-full ${status.dot}`} />
        <span className="hidden sm:inline">{t('model.name')} · </span>
        {checking && model.kind === 'idle' ? t('model.status.checking') : t(status.key)}
        {model.kind === 'ready' && model.offline && <span>· {t('model.status.offline')}</span>}
      </p>
      <SamplingSettings />
      <button
        type="button"
        lang={locale === 'ko' ? 'en' : 'ko'}
        aria-label={t('app.languageLabel')}
        onClick={() => setLocale(locale === 'ko' ? 'en' : 'ko')}
        className="rounded-lg px-2 py-1 text-sm text-stone-700 ring-1 ring-stone-300 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:outline-none dark:text-stone-300 dark:ring-stone-700 dark:hover:bg-stone-800"
      >
        {t('app.language')}
      </button>
    </header>
  );
}

export function App() {
  return (
    <div className="flex h-dvh flex-col bg-stone-50 text-stone-900 dark:bg-stone-950 dark:text-stone-100">
      <Header />
      <main className="flex min-h-0 flex-1 flex-col">
        <ModelPanel />
        <MessageList />
        <Composer />
      </main>
    </div>
  );
}
