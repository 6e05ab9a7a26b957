import type { GpuReport, MeasureRow } from '../../engine/protocol';
import type { LoadTimes } from '../model/load-progress';
import type { Quantization } from '../../engine/model-records';

/** What the figures were measured on: the device, the build and window, the versions, the last load. */
export interface MeasureContext {
  readonly measuredAt: string;
  readonly appVersion: string;
  readonly webLlmVersion: string;
  readonly engine: 'web-llm' | 'scripted';
  readonly gpu: Extract<GpuReport, { kind: 'adapter' }> | undefined;
  readonly modelId: string;
  readonly quantization: Quantization;
  readonly contextWindow: number;
  readonly gpuMemoryBytes: number;
  readonly loadTimes: LoadTimes;
}

/** A measurement as it is copied: its context, its rows, and whether Stop or a failure cut it short. */
export interface MeasureReport {
  readonly context: MeasureContext;
  readonly rows: readonly MeasureRow[];
  readonly stopped: boolean;
  /** What ended it early, when something did. */
  readonly error?: string;
}

/** The report as JSON: the same fields, for a bug report or a comparison between devices. */
export function measureReportJson(report: MeasureReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A line of the table: what, the figure with its unit, and what it was measured on or why it is missing. */
export interface ReportLine {
  readonly label: string;
  readonly value: string;
  readonly note: string;
}

/** A Markdown table cell: no line breaks, and a pipe that does not end the cell. */
const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/** The report as a Markdown table, from the lines the page shows (in its language). */
export function measureReportMarkdown(
  title: string,
  headers: readonly [string, string, string],
  lines: readonly ReportLine[],
): string {
  return [
    `## ${title}`,
    '',
    `| ${headers.map(cell).join(' | ')} |`,
    '| --- | ---: | --- |',
    ...lines.map(({ label, value, note }) => `| ${cell(label)} | ${cell(value)} | ${cell(note)} |`),
    '',
  ].join('\n');
}
