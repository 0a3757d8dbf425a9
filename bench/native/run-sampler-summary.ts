// Summarises what bench/native/run-sampler.mjs wrote for one kdlab process, phase by phase (the line
// the process had printed last): the largest VmRSS, RssAnon, RssFile, JS heap, ArrayBuffers and
// tensors seen in it; then the peak (VmHWM), and the exit lines (smaps, allocation sites) if present.
//   npx tsx bench/native/run-sampler-summary.ts /tmp/samples.jsonl
import { readFileSync } from 'node:fs';

/** One line of run-sampler.mjs. */
interface Sample {
  t: number;
  event: string;
  rss: number;
  hwm: number;
  anon: number;
  file: number;
  heapUsed: number;
  heapTotal: number;
  arrayBuffers: number;
  tensors?: number;
  tensorMiB?: number;
  phase: string;
}

/** The largest of each figure over a phase's samples. */
interface PhaseMax {
  phase: string;
  from: number;
  rss: number;
  anon: number;
  file: number;
  heapTotal: number;
  arrayBuffers: number;
  tensorMiB: number;
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: run-sampler-summary.ts SAMPLES.jsonl');
const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
const samples = lines.filter((line) => typeof line['rss'] === 'number') as unknown as Sample[];

const phases: PhaseMax[] = [];
for (const sample of samples) {
  // A phase is named by its first words (a role and what it does), not by its changing numbers.
  const phase = sample.phase.replace(/\s+/g, ' ').split(' ').slice(0, 3).join(' ').replace(/[0-9a-f]{32}/, '').trim();
  let current = phases.at(-1);
  if (current === undefined || current.phase !== phase) {
    current = { phase, from: sample.t, rss: 0, anon: 0, file: 0, heapTotal: 0, arrayBuffers: 0, tensorMiB: 0 };
    phases.push(current);
  }
  current.rss = Math.max(current.rss, sample.rss);
  current.anon = Math.max(current.anon, sample.anon);
  current.file = Math.max(current.file, sample.file);
  current.heapTotal = Math.max(current.heapTotal, sample.heapTotal);
  current.arrayBuffers = Math.max(current.arrayBuffers, sample.arrayBuffers);
  current.tensorMiB = Math.max(current.tensorMiB, sample.tensorMiB ?? 0);
}

const round = (value: number): string => value.toFixed(0).padStart(5);
console.log('   from s  |  RSS  anon  file  heap  ArrayBuffers  tensors | phase (last line printed)');
for (const p of phases) {
  console.log(`${(p.from / 1000).toFixed(1).padStart(9)}  | ${round(p.rss)} ${round(p.anon)} ${round(p.file)} ${round(p.heapTotal)} ${round(p.arrayBuffers)}        ${round(p.tensorMiB)} | ${p.phase}`);
}
const peak = Math.max(...samples.map((sample) => sample.hwm));
console.log(`peak (VmHWM): ${peak.toFixed(0)} MiB`);
for (const line of lines.filter((entry) => entry['event'] === 'smaps' || entry['event'] === 'allocations')) console.log(JSON.stringify(line, null, 1));
