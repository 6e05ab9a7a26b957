import type { PreflightProblem } from '../../chat/model/preflight';
import type { SharedLinkProblem } from '../../conversation/formats/shared-link';
import type { EngineErrorCode, LoadPhase } from '../../engine/protocol';
import type { Locale } from '../../chat/settings-store';
import { ko, type MessageKey } from './messages-ko';

export type { Locale, MessageKey };

export type Dictionary = Readonly<Record<MessageKey, string>>;

/** Korean is in the page's script; every other language is a chunk, loaded when it is chosen. */
const dictionaries: Partial<Record<Locale, Dictionary>> = { ko };
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
  return (dictionaries[locale] ?? ko)[key].replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}
