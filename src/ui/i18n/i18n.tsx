import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useSettings } from '../settings-context';
import { translate, type Locale, type MessageKey } from './messages';

interface I18n {
  readonly locale: Locale;
  readonly setLocale: (locale: Locale) => void;
  readonly t: (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;
  readonly formatNumber: (value: number, digits?: number) => string;
  /** A date in the reader's language; '' when `time` is no date (a damaged or future record's 1e308, NaN). */
  readonly formatDate: (time: number, options: Intl.DateTimeFormatOptions) => string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

/** Translations in the language the settings hold (Korean unless the user chose English). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const locale = useSettings((state) => state.locale);
  const setLocale = useSettings((state) => state.setLocale);
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
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n needs an I18nProvider above it.');
  return context;
}
