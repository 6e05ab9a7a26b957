import type { PreflightProblem } from '../../chat/model/preflight';
import type { SharedLinkProblem } from '../../conversation/formats/shared-link';
import type { EngineErrorCode, LoadPhase } from '../../engine/protocol';
import type { Locale } from '../../chat/settings-store';
import { ko } from './messages-ko';
import type { koApp, MessageKey } from './messages-ko-app';

export type { Locale, MessageKey };

export type Dictionary = Readonly<Record<MessageKey, string>>;

/**
 * Korean's first screens are in the page's script, and the rest of its texts come with the app's chunk
 * ({@link addKoreanAppTexts}); every other language is a chunk, loaded when it is chosen.
 */
const dictionaries: Partial<Record<Locale, Partial<Dictionary>>> = { ko };
const loaders: Record<Exclude<Locale, 'ko'>, () => Promise<Dictionary>> = {
  en: () => import('./messages-en').then((module) => module.en),
};

export function hasDictionary(locale: Locale): boolean {
  return dictionaries[locale] !== undefined;
}

/** Texts already at hand (tests import them), as if loaded. */
export function addDictionary(locale: Locale, dictionary: Dictionary): void {
  dictionaries[locale] = dictionary;
}

/** The Korean texts beyond the first screens, which the app's chunk brings: from now on every key has one. */
export function addKoreanAppTexts(texts: typeof koApp): void {
  dictionaries.ko = { ...ko, ...texts };
}

/** Makes `locale`'s texts available; rejects when its chunk cannot be fetched (offline before it was cached). */
export async function loadDictionary(locale: Locale): Promise<void> {
  if (locale === 'ko' || dictionaries[locale]) return;
  dictionaries[locale] = await loaders[locale]();
}

export function errorKey(code: EngineErrorCode): MessageKey {
  return `error.${code}`;
}

export function phaseKey(phase: LoadPhase): MessageKey {
  return `phase.${phase}`;
}

export function sharedProblemKey(problem: SharedLinkProblem): MessageKey {
  return `shared.problem.${problem}`;
}

export function problemKey(code: PreflightProblem['code']): MessageKey {
  return `preflight.problem.${code}`;
}

export function translate(
  locale: Locale,
  key: MessageKey,
  values: Readonly<Record<string, string | number>> = {},
): string {
  // A language whose texts have not arrived reads in Korean; the provider shows it only once they have.
  const text = (dictionaries[locale] ?? dictionaries.ko)?.[key];
  // A key of the app's own screens shown before the app's chunk brought its Korean: a mistake, shown as such.
  if (text === undefined) return `[${key}]`;
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}
