import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import type { LoadProgressView } from '../../chat/model/load-progress';
import type { Preflight } from '../../chat/model/preflight';
import type { ModelStatus } from '../../chat/types';
import { hasTrait } from '../../engine/error-codes';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { errorKey, phaseKey, problemKey } from '../i18n/messages';
import { Button } from '../primitives/controls';
import { filesFromDrop, filesFromInput } from './folder-files';
import { MeasureButton } from './measure-button';

const GB = 1e9;
const MB = 1e6;

function Panel({
  title,
  tone = 'plain',
  onDropFolder,
  children,
}: {
  title: string;
  tone?: 'plain' | 'alert';
  /** Makes the panel a drop target for a model folder. */
  onDropFolder?: (data: DataTransfer) => void;
  children: ReactNode;
}) {
  const [dragging, setDragging] = useState(false);
  const drop = onDropFolder && {
    onDragOver: (event: DragEvent) => {
      event.preventDefault();
      setDragging(true);
    },
    onDragLeave: () => setDragging(false),
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      setDragging(false);
      onDropFolder(event.dataTransfer);
    },
  };
  return (
    <section
      aria-labelledby="model-panel-title"
      {...drop}
      className={`mx-auto mt-4 w-[calc(100%-2rem)] max-w-3xl rounded-2xl bg-white p-5 shadow-sm ring-1 dark:bg-stone-900 ${dragging ? 'ring-2 ring-teal-600' : 'ring-stone-200 dark:ring-stone-800'}`}
    >
      <div role={tone === 'alert' ? 'alert' : undefined}>
        <h2
          id="model-panel-title"
          className={`text-lg font-semibold ${tone === 'alert' ? 'text-red-800 dark:text-red-300' : ''}`}
        >
          {title}
        </h2>
        {children}
      </div>
    </section>
  );
}

function DeviceFacts({ preflight }: { preflight: Extract<Preflight, { kind: 'ready' }> }) {
  const { t, formatNumber } = useI18n();
  const chosenWindow = useChat((state) => state.modelChoice.contextWindow);
  const { gpu, model } = preflight;
  const [window] = preflight.plan;
  const memory = preflight.windows.find((option) => option.contextWindow === window)?.gpuMemoryBytes ?? 0;
  const gpuName = [gpu.description, gpu.vendor, gpu.architecture].filter(Boolean).join(' · ') || 'WebGPU';
  const rows: [string, string][] = [
    [t('preflight.gpu'), gpuName],
    [
      t('preflight.build'),
      t(model.requiredFeatures.includes('shader-f16') ? 'preflight.build.f16' : 'preflight.build.f32', {
        quantization: model.quantization,
      }),
    ],
    [
      t('preflight.download'),
      preflight.cached
        ? t('preflight.cached')
        : t('preflight.downloadSize', { size: formatNumber(model.downloadBytes / GB, 1) }),
    ],
    [
      t('preflight.window'),
      t(window === chosenWindow ? 'preflight.window.chosen' : 'preflight.window.auto', {
        tokens: formatNumber(window),
      }),
    ],
    [t('preflight.memory'), t('preflight.memorySize', { size: formatNumber(memory / GB, 1) })],
  ];
  if (preflight.freeBytes !== undefined) {
    rows.push([t('preflight.free'), `${formatNumber(preflight.freeBytes / GB, 1)} GB`]);
  }
  return (
    <>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="preflight-facts">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-stone-600 dark:text-stone-400">{label}</dt>
            <dd className="text-stone-900 dark:text-stone-100">{value}</dd>
          </div>
        ))}
      </dl>
      {preflight.notes
        .filter((note) => note !== 'no-shader-f16')
        .map((note) => (
          <p
            key={note}
            className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          >
            {t(`preflight.note.${note}`)}
          </p>
        ))}
    </>
  );
}

function formatDuration(seconds: number, t: ReturnType<typeof useI18n>['t']): string {
  const whole = Math.max(Math.round(seconds), 1);
  return whole >= 60
    ? t('model.minutes', { minutes: Math.floor(whole / 60), seconds: whole % 60 })
    : t('model.seconds', { seconds: whole });
}

function LoadingProgress({ progress }: { progress: LoadProgressView | undefined }) {
  const { t, formatNumber } = useI18n();
  const percent = Math.round((progress?.fraction ?? 0) * 100);
  const details: string[] = [];
  if (progress?.loadedBytes !== undefined && progress.totalBytes !== undefined) {
    details.push(
      t('model.megabytes', {
        done: formatNumber(progress.loadedBytes / MB),
        total: formatNumber(progress.totalBytes / MB),
      }),
    );
  }
  if (progress?.bytesPerSecond !== undefined) {
    details.push(t('model.speed', { speed: formatNumber(progress.bytesPerSecond / MB, 1) }));
  }
  if (progress?.secondsLeft !== undefined) {
    details.push(t('model.timeLeft', { time: formatDuration(progress.secondsLeft, t) }));
  }
  return (
    <>
      <p className="mt-2 flex justify-between text-sm text-stone-700 dark:text-stone-300">
        <span>{t(phaseKey(progress?.phase ?? 'preparing'))}</span>
        <span className="tabular-nums">{percent}%</span>
      </p>
      <div
        role="progressbar"
        aria-label={t('model.progressLabel')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${t(phaseKey(progress?.phase ?? 'preparing'))} ${percent}%`}
        className="mt-1 h-2 overflow-hidden rounded-full bg-stone-200 dark:bg-stone-800"
      >
        <div className="h-full bg-teal-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      {details.length > 0 && (
        <p
          className="mt-2 text-sm text-stone-700 tabular-nums dark:text-stone-300"
          data-testid="load-details"
        >
          {details.join(' · ')}
        </p>
      )}
      {progress?.repaired && progress.repaired.length > 0 && (
        <p
          role="status"
          className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-sm break-all text-amber-900 dark:bg-amber-950 dark:text-amber-200"
        >
          {t('model.loading.repaired', { files: progress.repaired.join(', ') })}
        </p>
      )}
    </>
  );
}

/** Loads a built model from a folder on disk: a button for the folder picker, and dropping on the panel. */
function FolderImport() {
  const { t } = useI18n();
  const importFolder = useChat((state) => state.importFolder);
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="mt-4 border-t border-stone-200 pt-4 dark:border-stone-800">
      <input
        ref={(element) => {
          input.current = element;
          // Not in React's attribute types; it makes the picker choose a folder and keep relative paths.
          element?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        onChange={(event) => {
          const { files } = event.currentTarget;
          if (files && files.length > 0) void importFolder(filesFromInput(files));
          event.currentTarget.value = '';
        }}
      />
      <Button variant="secondary" size="lg" onClick={() => input.current?.click()}>
        {t('folder.pick')}
      </Button>
      <p className="mt-2 text-xs text-stone-600 dark:text-stone-400">
        {t('folder.hint')} {t('folder.drop')}
      </p>
    </div>
  );
}

function PersistenceNote() {
  const { t } = useI18n();
  const persistence = useChat((state) => state.persistence);
  if (persistence !== 'granted' && persistence !== 'denied') return null;
  return <p className="mt-2 text-xs text-stone-600 dark:text-stone-400">{t(`persistence.${persistence}`)}</p>;
}

type FormatNumber = ReturnType<typeof useI18n>['formatNumber'];

/** The numbers a problem's explanation names, in the units it names them. */
function problemValues(
  problem: Extract<Preflight, { kind: 'blocked' }>['problems'][number],
  formatNumber: FormatNumber,
): Record<string, string> {
  switch (problem.code) {
    case 'webgpu-unavailable':
    case 'no-adapter':
      return {};
    case 'buffer-too-small':
      return {
        needed: formatNumber(problem.neededBytes / MB, 1),
        available: formatNumber(problem.availableBytes / MB, 1),
      };
    case 'storage-insufficient':
      return {
        needed: formatNumber(problem.neededBytes / GB, 1),
        available: formatNumber(problem.availableBytes / GB, 1),
      };
    case 'gpu-memory':
      return {
        window: formatNumber(problem.contextWindow),
        needed: formatNumber(problem.neededBytes / GB, 1),
      };
    default:
      return problem satisfies never;
  }
}

/** The loaded model in one line: its window, its memory and build, and why the window is smaller if it is. */
function LoadedSummary({ model }: { model: Extract<ModelStatus, { kind: 'ready' }> }) {
  const { t, formatNumber } = useI18n();
  const preflight = useChat((state) => state.preflight);
  const reloadModel = useChat((state) => state.reloadModel);
  const { contextWindow } = model.model;
  const { fit } = model;
  const pending =
    preflight.kind === 'ready' &&
    (preflight.model.quantization !== fit.quantization || preflight.plan[0] !== fit.contextWindow);
  return (
    <section
      aria-label={t('settings.model')}
      className="mx-auto mt-2 w-[calc(100%-2rem)] max-w-3xl text-xs text-stone-600 dark:text-stone-400"
      data-testid="model-summary"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <p className="tabular-nums">
          {t('model.ready.summary', {
            tokens: formatNumber(contextWindow),
            size: formatNumber(fit.gpuMemoryBytes / GB, 1),
            quantization: fit.quantization,
          })}
        </p>
        <MeasureButton />
      </div>
      {fit.reducedFrom !== undefined && (
        <p
          role="status"
          className="mt-1 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
        >
          {t('model.ready.reduced', {
            tokens: formatNumber(contextWindow),
            from: formatNumber(fit.reducedFrom),
          })}
        </p>
      )}
      {pending && (
        <p className="mt-1 flex flex-wrap items-center gap-2">
          <span>{t('model.ready.pending')}</span>
          <Button variant="outlined" size="sm" onClick={() => void reloadModel()}>
            {t('model.ready.reloadNow')}
          </Button>
        </p>
      )}
    </section>
  );
}

/** Everything about the model until it is ready: the device check, loading, and what went wrong. */
export function ModelPanel() {
  const { t, formatNumber } = useI18n();
  const preflight = useChat((state) => state.preflight);
  const model = useChat((state) => state.model);
  const checkDevice = useChat((state) => state.checkDevice);
  const loadModel = useChat((state) => state.loadModel);
  const cancelLoad = useChat((state) => state.cancelLoad);
  const takeOver = useChat((state) => state.takeOver);
  const deleteModelFiles = useChat((state) => state.deleteModelFiles);
  const importFolder = useChat((state) => state.importFolder);
  const onDropFolder = (data: DataTransfer): void => {
    void filesFromDrop(data).then((files) => (files.length > 0 ? importFolder(files) : undefined));
  };

  if (model.kind === 'ready') return <LoadedSummary model={model} />;
  if (preflight.kind === 'checking') {
    return (
      <Panel title={t('preflight.checking')}>
        <span className="sr-only">{t('model.status.checking')}</span>
      </Panel>
    );
  }
  if (preflight.kind === 'blocked') {
    return (
      <Panel title={t('preflight.blocked.title')} tone="alert">
        <ul className="mt-2 space-y-2 text-sm">
          {preflight.problems.map((problem) => (
            <li key={problem.code}>{t(problemKey(problem.code), problemValues(problem, formatNumber))}</li>
          ))}
        </ul>
        {preflight.cached && (
          <Button variant="secondary" size="lg" onClick={() => void deleteModelFiles()} className="mt-4 mr-2">
            {t('preflight.deleteFiles')}
          </Button>
        )}
        <Button variant="secondary" size="lg" onClick={() => void checkDevice()} className="mt-4">
          {t('preflight.recheck')}
        </Button>
      </Panel>
    );
  }

  switch (model.kind) {
    case 'idle':
      return (
        <Panel title={t('preflight.ready.title')} onDropFolder={onDropFolder}>
          <p className="mt-1 text-sm text-stone-700 dark:text-stone-300">{t('model.idle.body')}</p>
          <DeviceFacts preflight={preflight} />
          <div className="mt-4 flex flex-wrap gap-2">
            <Button variant="primary" size="lg" onClick={() => void loadModel()}>
              {preflight.cached
                ? t('model.load')
                : t('model.loadSize', { size: formatNumber(preflight.model.downloadBytes / GB, 1) })}
            </Button>
            {preflight.cached && (
              <Button variant="secondary" size="lg" onClick={() => void deleteModelFiles()}>
                {t('preflight.deleteFiles')}
              </Button>
            )}
          </div>
          <FolderImport />
        </Panel>
      );
    case 'loading':
      return (
        <Panel title={t('model.loading.title')}>
          {model.attempt && (
            <p className="mt-1 text-sm text-stone-700 dark:text-stone-300" data-testid="load-window">
              {t('model.loading.window', { tokens: formatNumber(model.attempt.contextWindow) })}
            </p>
          )}
          {model.attempt?.ranOut !== undefined && (
            <p
              role="status"
              className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
            >
              {t('model.loading.ranOut', {
                from: formatNumber(model.attempt.ranOut),
                to: formatNumber(model.attempt.contextWindow),
              })}
            </p>
          )}
          <LoadingProgress progress={model.progress} />
          <PersistenceNote />
          <Button variant="secondary" size="lg" onClick={cancelLoad} className="mt-3">
            {t('model.cancel')}
          </Button>
        </Panel>
      );
    case 'failed':
      return (
        <Panel title={t('model.failed.title')} tone="alert" onDropFolder={onDropFolder}>
          <p className="mt-1 text-sm">{t(errorKey(model.error.code))}</p>
          <details className="mt-2 text-xs text-stone-600 dark:text-stone-400">
            <summary>{t('error.details')}</summary>
            <code className="break-all">{model.error.message}</code>
          </details>
          <Button variant="primary" size="lg" onClick={() => void loadModel()} className="mt-4">
            {hasTrait(model.error.code, 'load-again') ? t('model.reload') : t('model.retry')}
          </Button>
          {hasTrait(model.error.code, 'folder-helps') && <FolderImport />}
        </Panel>
      );
    case 'elsewhere':
      return (
        <Panel title={t('model.elsewhere.title')}>
          <p className="mt-1 text-sm text-stone-700 dark:text-stone-300">{t('model.elsewhere.body')}</p>
          <Button variant="primary" size="lg" onClick={() => void takeOver()} className="mt-4">
            {t('model.takeOver')}
          </Button>
        </Panel>
      );
    case 'taken-over':
      return (
        <Panel title={t('model.takenOver.title')}>
          <p className="mt-1 text-sm text-stone-700 dark:text-stone-300">{t('model.takenOver.body')}</p>
          <Button variant="primary" size="lg" onClick={() => void takeOver()} className="mt-4">
            {t('model.takeBack')}
          </Button>
        </Panel>
      );
    default:
      return model satisfies never;
  }
}
