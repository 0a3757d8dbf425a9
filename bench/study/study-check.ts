// Checks the study bench's arithmetic: `npx tsx --conditions=@kdlab/source bench/study/study-check.ts`
// (the bench has no vitest project; this prints `study: all checks passed` or stops at the first
// failed assertion). No process is started and nothing is trained.
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { studyRunOf } from './kdlab-study-runs.js';
import { kdlabOverrides } from './study-contenders.js';
import { parseStudyOptions } from './study-options.js';
import type { ContenderResult } from './study-result.js';
import { accuracyCell, phaseCell, studyMarkdown, wallRatio } from './study-table.js';
import { parseStatusMemory, TreePeakTracker } from './tree-memory.js';
import { studyRunOfTwin } from './twin-study-runs.js';

// the tree tracker: the peak of the sums, not the sum of the peaks; VmHWM beats a sampled VmRSS
const tracker = new TreePeakTracker();
tracker.add([{ pid: 1, rssKb: 100, hwmKb: 100 }, { pid: 2, rssKb: 50, hwmKb: 60 }], (pid) => `p${pid}`);
tracker.add([{ pid: 1, rssKb: 30, hwmKb: 120 }, { pid: 2, rssKb: 110, hwmKb: 110 }]);
tracker.add([{ pid: 1, rssKb: 20, hwmKb: 120 }]);
const peaks = tracker.peaks();
strictEqual(peaks.peakTotalKb, 150);
strictEqual(peaks.peakProcessKb, 120);
strictEqual(peaks.samples, 3);
deepStrictEqual(peaks.processes, [
  { pid: 1, command: 'p1', peakRssKb: 100, hwmKb: 120 },
  { pid: 2, command: 'p2', peakRssKb: 110, hwmKb: 110 },
]);
deepStrictEqual(new TreePeakTracker().peaks(), { peakTotalKb: 0, peakProcessKb: 0, samples: 0, processes: [] });

// /proc/<pid>/status
deepStrictEqual(parseStatusMemory(7, 'Name:\tnode\nVmHWM:\t  736052 kB\nVmRSS:\t  700000 kB\n'), { pid: 7, rssKb: 700000, hwmKb: 736052 });
strictEqual(parseStatusMemory(7, 'Name:\tzombie\nState:\tZ (zombie)\n'), undefined);

// the table's cells
strictEqual(accuracyCell([]), '-');
strictEqual(accuracyCell([0.98765]), '98.77');
strictEqual(accuracyCell([0.985, 0.987, 0.986]), '98.60 (98.50-98.70)');
strictEqual(phaseCell([]), '-');
strictEqual(phaseCell([{ role: 'baseline', seed: 0, wallSeconds: 300, meanEpochSeconds: 9.5 }, { role: 'baseline', seed: 1, wallSeconds: 310, meanEpochSeconds: 10.5 }]), '610 (10.0)');
strictEqual(phaseCell([{ role: 'teacher', seed: 0, wallSeconds: 7.54, meanEpochSeconds: 1.876 }]), '7.5 (1.88)');

function contender(id: ContenderResult['id'], seconds: number | undefined, runs: ContenderResult['runs'], error?: string): ContenderResult {
  return { id, label: id, version: `${id} 1.0`, how: 'somehow', launch: { command: 'x', args: [], env: {}, workDir: '/tmp' }, ...(seconds !== undefined ? { seconds } : {}), peakTreeKb: 2048, peakProcessKb: 1024, runs, log: '-', ...(error !== undefined ? { error } : {}) };
}
const kdlab = contender('kdlab', 100, [
  { role: 'teacher', seed: 0, testAccuracy: 0.99, wallSeconds: 50, meanEpochSeconds: 5 },
  { role: 'baseline', seed: 0, testAccuracy: 0.98, wallSeconds: 20, meanEpochSeconds: 2 },
  { role: 'distilled', seed: 0, temperature: 20, testAccuracy: 0.985, wallSeconds: 15, meanEpochSeconds: 1.5 },
  { role: 'distilled', seed: 0, temperature: 4, testAccuracy: 0.984, wallSeconds: 15, meanEpochSeconds: 1.5 },
]);
const torch = contender('torch2', 250, [{ role: 'teacher', seed: 0, testAccuracy: 0.991 }]);
strictEqual(wallRatio(torch, kdlab), '2.50x');
strictEqual(wallRatio(kdlab, kdlab), '1.00x');
strictEqual(wallRatio(contender('keras', undefined, []), kdlab), '-');
strictEqual(wallRatio(torch, undefined), '-');
const markdown = studyMarkdown({
  cpu: 'CPU: test x 2',
  when: 'now.',
  scale: { teacherEpochs: 100, studentEpochs: 30, seeds: [0], temperatures: [20, 4], limitTrain: undefined },
  threads: 1,
  trainCount: 55000,
  contenders: [kdlab, torch, contender('keras', undefined, [], 'exited with code 1')],
});
const lines = markdown.split('\n');
ok(lines.includes('| contender | wall s, end to end | wall / kdlab | teacher s (s/epoch) | baselines s (s/epoch) | distilled s (s/epoch) | peak RSS MiB, all processes | peak MiB, largest process (VmHWM) | teacher test acc % | baseline test acc % | distilled T=20 test acc % | distilled T=4 test acc % |'), markdown);
ok(lines.includes('| kdlab | 100 | 1.00x | 50.0 (5.00) | 20.0 (2.00) | 30.0 (1.50) | 2 | 1 | 99.00 | 98.00 | 98.50 | 98.40 |'), markdown);
ok(lines.includes('| torch2 | 250 | 2.50x | - | - | - | 2 | 1 | 99.10 | - | - | - |'), markdown);
ok(lines.some((line) => line.startsWith('| keras (failed: exited with code 1) | - | - |')), markdown);
ok(markdown.includes('55,000 training digits; batch 128; 1 thread each'), markdown);
ok(markdown.includes('- **kdlab**: kdlab 1.0; somehow.'), markdown);

// kdlab's runs from the tracking store, twins' from their results files
const record = {
  info: { runId: 'r', experimentId: '1', runName: 'distilled', userId: 'u', status: 'FINISHED' as const, startTime: 1000, endTime: 31000, artifactUri: '', lifecycleStage: 'active' },
  params: { studentSeed: '3', 'losses.1.temperature': '4', seed: '0' },
  tags: { 'kdlab.role': 'distilled' },
  metrics: { 'test/accuracy': [{ timestamp: 0, value: 0.98, step: 0 }], 'test/best/accuracy': [{ timestamp: 0, value: 0.981, step: 0 }], 'time/epoch_s': [1, 2, 3].map((value, step) => ({ timestamp: 0, value, step })) },
};
deepStrictEqual(studyRunOf(record), { role: 'distilled', seed: 3, temperature: 4, testAccuracy: 0.98, testAccuracyBest: 0.981, epochs: 3, meanEpochSeconds: 2, wallSeconds: 30 });
strictEqual(studyRunOf({ ...record, tags: { 'kdlab.role': 'sweep' } }), undefined);
deepStrictEqual(studyRunOf({ ...record, tags: { 'kdlab.role': 'teacher' } })?.seed, 0);
deepStrictEqual(studyRunOfTwin({ role: 'teacher', seed: 0, temperature: null, test_accuracy: 0.99, wall_seconds: 5 }), { role: 'teacher', seed: 0, testAccuracy: 0.99, wallSeconds: 5 });

// options and kdlab's overrides
const options = parseStudyOptions(['--teacher-epochs', '2', '--seeds', '0,1', '--temperatures', '20', '--limit-train', '500', '--contenders', 'keras,kdlab']);
deepStrictEqual([options.teacherEpochs, options.studentEpochs, options.seeds, options.temperatures, options.limitTrain, options.contenders], [2, 30, [0, 1], [20], 500, ['keras', 'kdlab']]);
deepStrictEqual(kdlabOverrides(options), ['--set', 'teacher.train.epochs=2', '--set', 'train.epochs=30', '--set', 'seeds=[0,1]', '--set', 'sweep={"losses.1.temperature":[20]}', '--set', 'data.limitTrain=500']);

console.log('study: all checks passed');
