// Runs the benchmarks and writes docs/benchmarks.md. `npm run bench` builds the production app first.
// `tsx scripts/bench.ts prefill logits` runs only the sections named and replaces them in the file.
import { cpus } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { benchBundle } from './bench/bundle';
import { benchConversations } from './bench/conversations';
import { benchFirstVisit } from './bench/first-visit';
import { benchLogits } from './bench/logits';
import { benchPrefill } from './bench/prefill';
import { benchStreaming } from './bench/streaming';

const REPORT = 'docs/benchmarks.md';

const sections: Record<string, () => string | Promise<string>> = {
  bundle: () => benchBundle('dist'),
  logits: benchLogits,
  streaming: benchStreaming,
  prefill: benchPrefill,
  conversations: benchConversations,
  'first-visit': benchFirstVisit,
};

const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in sections));
if (unknown.length > 0) {
  throw new Error(`No benchmark named ${unknown.join(', ')}; there are ${Object.keys(sections).join(', ')}.`);
}

const results: string[] = [];
for (const [name, section] of Object.entries(sections)) {
  if (only.length === 0 || only.includes(name)) results.push(await section());
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);

/** Replaces the sections of an earlier report that have the same `## ` heading, and adds the others. */
function spliceInto(report: string, fresh: readonly string[]): string {
  const heading = (section: string): string => section.split('\n', 1)[0] ?? '';
  const [head = '', ...old] = report.trimEnd().split(/\n(?=## )/);
  const kept = old.map((section) => fresh.find((next) => heading(next) === heading(section)) ?? section);
  const added = fresh.filter((next) => !old.some((section) => heading(section) === heading(next)));
  const note = `Rerun alone on ${date} (${machine}): ${fresh.map((next) => `“${heading(next).slice(3)}”`).join(', ')}.`;
  const header = head.replace(/\n+Rerun alone on [^\n]*\s*$/, '').trimEnd();
  return [
    header,
    '',
    note,
    '',
    [...kept, ...added].map((section) => section.trimEnd()).join('\n\n'),
    '',
  ].join('\n');
}

const report =
  only.length === 0
    ? [
        '# Benchmarks',
        '',
        `Written by \`npm run bench\` on ${date} (${machine}). Do not edit by hand.`,
        '',
        results.join('\n\n'),
        '',
      ].join('\n')
    : spliceInto(readFileSync(REPORT, 'utf8'), results);
writeFileSync(REPORT, report);
console.log(report);
