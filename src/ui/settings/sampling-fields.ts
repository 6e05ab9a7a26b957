import type { SamplingParams } from '../../generation/sampling';
import type { MessageKey } from '../i18n/messages';

export type SamplingKey = Exclude<keyof SamplingParams, 'seed'>;

export interface SamplingField {
  readonly key: SamplingKey;
  readonly label: MessageKey;
  readonly help: MessageKey;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly integer: boolean;
}

/** The values a user may set, with the ranges the logits pipeline accepts. */
export const samplingFields: readonly SamplingField[] = [
  {
    key: 'temperature',
    label: 'settings.temperature',
    help: 'settings.temperature.help',
    min: 0.05,
    max: 2,
    step: 0.05,
    integer: false,
  },
  {
    key: 'topK',
    label: 'settings.topK',
    help: 'settings.topK.help',
    min: 0,
    max: 500,
    step: 1,
    integer: true,
  },
  {
    key: 'topP',
    label: 'settings.topP',
    help: 'settings.topP.help',
    min: 0.05,
    max: 1,
    step: 0.01,
    integer: false,
  },
  {
    key: 'repetitionPenalty',
    label: 'settings.repetitionPenalty',
    help: 'settings.repetitionPenalty.help',
    min: 1,
    max: 2,
    step: 0.05,
    integer: false,
  },
  {
    key: 'noRepeatNgramSize',
    label: 'settings.noRepeatNgramSize',
    help: 'settings.noRepeatNgramSize.help',
    min: 0,
    max: 10,
    step: 1,
    integer: true,
  },
  {
    key: 'maxNewTokens',
    label: 'settings.maxNewTokens',
    help: 'settings.maxNewTokens.help',
    min: 16,
    max: 2048,
    step: 16,
    integer: true,
  },
];

/** The value typed into a field, when it is a number the field accepts. */
export function parseFieldValue(field: SamplingField, text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < field.min || value > field.max) return undefined;
  if (field.integer && !Number.isInteger(value)) return undefined;
  return value;
}

/** A seed is a whole number from 0 to 2³²−1; empty means none. */
export function parseSeed(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 && value < 2 ** 32 ? value : undefined;
}
