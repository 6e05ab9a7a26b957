import { useState } from 'react';
import {
  measureReportJson,
  measureReportMarkdown,
  type MeasureContext,
  type ReportLine,
} from '../../chat/measure/measure-report';
import type { MeasureState } from '../../chat/measure/measure-slice';
import { MEASURE_ROWS, type MeasureRow, type MeasureRowId } from '../../engine/protocol';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { Button } from '../primitives/controls';

const MB = 1e6;
const GB = 1e9;

type I18n = ReturnType<typeof useI18n>;

/** Fraction digits by unit: whole milliseconds and tokens, one digit for speeds, two for a ratio. */
const DIGITS: Record<MeasureRow['unit'], number> = { ms: 0, 'tokens/s': 1, times: 2, steps: 0, tokens: 0 };

/** The lines of the report, in the language shown: the context first, then every row of the script. */
function reportLines(
  { t, formatNumber }: I18n,
  context: MeasureContext,
  rows: readonly MeasureRow[],
  running: boolean,
): ReportLine[] {
  const { gpu, loadTimes } = context;
  const seconds = (ms: number | undefined): string =>
    ms === undefined ? '—' : t('measure.unit.ms', { value: formatNumber(ms) });
  const lines: ReportLine[] = [
    {
      label: t('measure.row.gpu'),
      value: gpu
        ? [gpu.description, gpu.vendor, gpu.architecture].filter(Boolean).join(' · ') || 'WebGPU'
        : t('measure.unknown'),
      note: gpu?.isFallback ? 'fallback (software) adapter' : '',
    },
    {
      label: t('measure.row.limits'),
      value: gpu
        ? t('measure.row.limitsValue', {
            buffer: formatNumber(gpu.maxBufferSize / MB),
            binding: formatNumber(gpu.maxStorageBufferBindingSize / MB),
          })
        : t('measure.unknown'),
      note: '',
    },
    {
      label: t('measure.row.f16'),
      value: gpu
        ? t(gpu.features.includes('shader-f16') ? 'measure.yes' : 'measure.no')
        : t('measure.unknown'),
      note: '',
    },
    {
      label: t('measure.row.build'),
      value: t('measure.row.buildValue', {
        quantization: context.quantization,
        tokens: formatNumber(context.contextWindow),
      }),
      note: context.modelId,
    },
    {
      label: t('measure.row.memory'),
      value: `${formatNumber(context.gpuMemoryBytes / GB, 1)} GB`,
      note: '',
    },
    {
      label: t('measure.row.versions'),
      value: t('measure.row.versionsValue', {
        app: context.appVersion,
        webLlm: context.webLlmVersion,
        engine: context.engine,
      }),
      note: context.measuredAt,
    },
    ...(['download', 'cache', 'compile'] as const).map((phase) => ({
      label: t(`measure.row.load.${phase}`),
      value: seconds(loadTimes.phases[phase]),
      note: loadTimes.phases[phase] === undefined ? t('measure.row.load.skipped') : '',
    })),
    { label: t('measure.row.load.total'), value: seconds(loadTimes.totalMs), note: '' },
  ];
  const byId = new Map<MeasureRowId, MeasureRow>(rows.map((row) => [row.id, row]));
  for (const id of MEASURE_ROWS) {
    const row = byId.get(id);
    const label = t(`measure.row.${id}` as MessageKey);
    if (!row) {
      lines.push({ label, value: t(running ? 'measure.pending' : 'measure.notMeasured'), note: '' });
      continue;
    }
    const value =
      row.value === undefined
        ? t('measure.failedValue')
        : t(`measure.unit.${row.unit}` as MessageKey, { value: formatNumber(row.value, DIGITS[row.unit]) });
    lines.push({ label, value, note: [row.detail, row.error].filter(Boolean).join(' — ') });
  }
  return lines;
}

/** Copies text, or says it could not and shows it to be selected by hand. */
function CopyButtons({ markdown, json }: { markdown: string; json: string }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<{ kind: 'copied' } | { kind: 'failed'; text: string } | undefined>();
  const copy = (text: string): void => {
    void navigator.clipboard
      .writeText(text)
      .then(() => setOutcome({ kind: 'copied' }))
      .catch(() => setOutcome({ kind: 'failed', text }));
  };
  return (
    <div className="mt-3">
      <div className="flex flex-wrap gap-2">
        <Button variant="outlined" size="sm" onClick={() => copy(markdown)}>
          {t('measure.copyMarkdown')}
        </Button>
        <Button variant="outlined" size="sm" onClick={() => copy(json)}>
          {t('measure.copyJson')}
        </Button>
      </div>
      <div role="status" className="mt-2 text-sm">
        {outcome?.kind === 'copied' && t('measure.copied')}
        {outcome?.kind === 'failed' && t('measure.copyFailed')}
      </div>
      {outcome?.kind === 'failed' && (
        <textarea
          readOnly
          aria-label={t('measure.copyText')}
          value={outcome.text}
          onFocus={(event) => event.currentTarget.select()}
          className="mt-2 h-40 w-full rounded-lg border border-stone-300 p-2 font-mono text-xs dark:border-stone-700 dark:bg-stone-950"
        />
      )}
    </div>
  );
}

function StatusLine({ measurement }: { measurement: MeasureState }) {
  const { t } = useI18n();
  switch (measurement.kind) {
    case 'idle':
      return null;
    case 'running':
      return (
        <p className="text-sm">
          {measurement.stopping
            ? t('measure.stopping')
            : t('measure.running', { done: measurement.rows.length, total: MEASURE_ROWS.length })}
        </p>
      );
    case 'done':
      return <p className="text-sm">{t(measurement.stopped ? 'measure.stopped' : 'measure.done')}</p>;
    case 'failed':
      return (
        <p className="text-sm text-red-800 dark:text-red-300">
          {t('measure.failed')} <code className="break-all">{measurement.error.message}</code>
        </p>
      );
    default:
      return measurement satisfies never;
  }
}

/** What the measurement dialog holds: start or stop, the rows as they come, and the report to copy. */
export function MeasureContent({ onClose }: { onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const measurement = useChat((state) => state.measurement);
  const canStart = useChat((state) => state.model.kind === 'ready' && state.status === 'ready');
  const measure = useChat((state) => state.measure);
  const stopMeasure = useChat((state) => state.stopMeasure);
  const running = measurement.kind === 'running';
  const lines =
    measurement.kind === 'idle'
      ? undefined
      : reportLines(i18n, measurement.context, measurement.rows, running);
  const headers = [t('measure.col.what'), t('measure.col.value'), t('measure.col.note')] as const;
  return (
    <>
      <p className="mt-1 text-sm text-stone-700 dark:text-stone-300">{t('measure.intro')}</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {running ? (
          <Button
            variant="secondary"
            size="lg"
            ringOffset={false}
            onClick={stopMeasure}
            disabled={measurement.stopping}
          >
            {t('measure.stop')}
          </Button>
        ) : (
          <Button
            variant="primary"
            size="lg"
            onClick={() => void measure()}
            disabled={!canStart}
            className="disabled:opacity-50"
          >
            {t(measurement.kind === 'idle' ? 'measure.start' : 'measure.again')}
          </Button>
        )}
        <StatusLine measurement={measurement} />
      </div>
      {lines && (
        <div className="mt-3 max-h-[60vh] overflow-auto">
          <table className="w-full text-left text-sm" data-testid="measure-table">
            <thead>
              <tr className="border-b border-stone-200 dark:border-stone-800">
                {headers.map((header) => (
                  <th key={header} scope="col" className="py-1 pr-3 font-semibold">
                    {header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => (
                <tr key={line.label} className="border-b border-stone-100 align-top dark:border-stone-800">
                  <th scope="row" className="py-1 pr-3 font-normal">
                    {line.label}
                  </th>
                  <td className="py-1 pr-3 text-right whitespace-nowrap tabular-nums">{line.value}</td>
                  <td className="py-1 text-xs text-stone-600 dark:text-stone-400">{line.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {lines && !running && measurement.kind !== 'idle' && (
        <CopyButtons
          markdown={measureReportMarkdown(t('measure.title'), headers, lines)}
          json={measureReportJson({
            context: measurement.context,
            rows: measurement.rows,
            ...(measurement.kind === 'done'
              ? { stopped: measurement.stopped }
              : { stopped: false, error: measurement.error.message }),
          })}
        />
      )}
      <div className="mt-4 flex justify-end">
        <Button variant="outlined" size="sm" onClick={onClose}>
          {t('measure.close')}
        </Button>
      </div>
    </>
  );
}
