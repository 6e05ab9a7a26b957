import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Button } from '../primitives/controls';
import { useSettings } from '../settings-context';
import { hasDictionary, loadDictionary, translate, type Locale, type MessageKey } from './messages';

interface I18n {
  readonly locale: Locale;
  readonly setLocale: (locale: Locale) => void;
  readonly t: (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;
  readonly formatNumber: (value: number, digits?: number) => string;
  /** A date in the reader's language; '' when `time` is no date (a damaged or future record's 1e308, NaN). */
  readonly formatDate: (time: number, options: Intl.DateTimeFormatOptions) => string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

/**
 * The language shown: the one the settings hold once its texts are here (Korean's always are; English's are
 * a chunk of their own, fetched when chosen), Korean until then. `failed` is a language whose texts could not
 * be fetched.
 */
function useShownLocale(wanted: Locale): { readonly locale: Locale; readonly failed: Locale | undefined } {
  // Only to render again once a language's texts have arrived; what is here is read from the dictionaries.
  const [, setArrived] = useState(0);
  const [failed, setFailed] = useState<Locale | undefined>(undefined);
  useEffect(() => {
    if (hasDictionary(wanted)) return;
    let current = true;
    loadDictionary(wanted).then(
      () => {
        if (current) setArrived((count) => count + 1);
      },
      () => {
        if (current) setFailed(wanted);
      },
    );
    return () => {
      current = false;
    };
  }, [wanted]);
  return {
    locale: hasDictionary(wanted) ? wanted : 'ko',
    failed: failed === wanted && !hasDictionary(wanted) ? wanted : undefined,
  };
}

/** Translations in the language the settings hold (Korean unless the user chose English). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const wanted = useSettings((state) => state.locale);
  const setLocale = useSettings((state) => state.setLocale);
  const { locale, failed } = useShownLocale(wanted);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(() => {
    const tag = locale === 'ko' ? 'ko-KR' : 'en-US';
    // `toLocaleString` with options builds a formatter on every call (about a millisecond for a date in
    // Chromium); a list of 50 conversations dated, or an answer's footer, would pay that at every render.
    const numbers = new Map<number, Intl.NumberFormat>();
    const dates = new Map<string, Intl.DateTimeFormat>();
    return {
      locale,
      setLocale,
      t: (key, values) => translate(locale, key, values),
      formatNumber: (number, digits = 0) => {
        let format = numbers.get(digits);
        if (!format) {
          format = new Intl.NumberFormat(tag, {
            maximumFractionDigits: digits,
            minimumFractionDigits: digits,
          });
          numbers.set(digits, format);
        }
        return format.format(number);
      },
      formatDate: (time, options) => {
        const date = new Date(time);
        if (Number.isNaN(date.getTime())) return '';
        const key = JSON.stringify(options);
        let format = dates.get(key);
        if (!format) {
          format = new Intl.DateTimeFormat(tag, options);
          dates.set(key, format);
        }
        return format.format(date);
      },
    };
  }, [locale, setLocale]);
  return (
    <I18nContext.Provider value={value}>
      {children}
      {failed !== undefined && (
        <p
          role="alert"
          lang="ko"
          className="fixed inset-x-3 bottom-3 z-50 mx-auto max-w-md rounded-xl bg-red-50 px-4 py-3 text-sm text-red-900 shadow-lg ring-1 ring-red-200 dark:bg-red-950 dark:text-red-100 dark:ring-red-900"
        >
          {value.t('app.languageFailed')}{' '}
          {/* In English too, from here: these are the texts that did not arrive. */}
          <span lang="en">
            The English texts could not be loaded, so the app stays in Korean. Reload to try again.
          </span>{' '}
          <Button variant="link" onClick={() => setLocale(locale)}>
            {value.t('app.languageFailed.dismiss')}
          </Button>
        </p>
      )}
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n needs an I18nProvider above it.');
  return context;
}
