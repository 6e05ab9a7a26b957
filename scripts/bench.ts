// Runs every benchmark and writes docs/benchmarks.md. `npm run bench` builds the production app first.
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { benchBundle } from './bench/bundle';
import { benchConversations } from './bench/conversations';
import { benchLogits } from './bench/logits';
import { benchStreaming } from './bench/streaming';

const sections: (() => string | Promise<string>)[] = [
  () => benchBundle('dist'),
  benchLogits,
  benchStreaming,
  benchConversations,
];

const results: string[] = [];
for (const section of sections) results.push(await section());

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
const report = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${machine}). Do not edit by hand.`,
  '',
  results.join('\n\n'),
  '',
].join('\n');
writeFileSync('docs/benchmarks.md', report);
console.log(report);
