import type { SampleSummary, StoredRun } from '@kdlab/report';
import { browserName, readBrowserLatency, type BrowserLatencyResults } from '../page/browser-latency.js';
import { readNodeLatency, type NodeLatencyResults } from '../page/node-latency.js';
import { formatSummary, summarize } from '../page/statistics.js';
import { defineStudy, type Verdict } from '../page/study.js';
import { optionalMetric, paramValue, runsOf, teachersOf, type StudyRuns } from '../page/study-runs.js';
import { count, table } from '../page/tables.js';
import { fitnetsArm } from './fitnets-mnist.js';

const DATASETS = [
  { fitnets: 'fitnets-mnist', compression: 'compression-mnist', label: 'MNIST' },
  { fitnets: 'fitnets-fashion', compression: 'compression-fashion', label: 'Fashion-MNIST' },
] as const;
const SEEDS = 3;
const PEER = 'browser-latency/compression';
const NODE_PEER = 'node-latency/compression';

/** The guides' table: compression and accuracy retention each technique is quoted to give. */
export const QUOTED = {
  pruning: { label: 'naive pruning', compression: [3, 5], retention: [0.85, 0.92] },
  quantization: { label: 'quantization alone', compression: [2, 4], retention: [0.9, 0.97] },
  distillation: { label: 'distillation alone', compression: [10, 50], retention: [0.92, 0.99] },
  distillationQuantization: { label: 'distillation + quantization', compression: [40, 100], retention: [0.88, 0.98] },
} as const;
type Technique = keyof typeof QUOTED;

/** How a row's model is stored: a dense file (float32, or quantized), or its weights stored sparse. */
type Storage = 'float32' | 'uint8' | 'float16';

/** One row's measurements over its runs (one per seed; the teacher's rows have one run). */
interface Row {
  label: string;
  technique?: Technique;
  runs: readonly StoredRun[];
  storage: Storage;
  sparse: boolean;
  architecture: 'teacher' | 'student';
}

/** The metric prefix of a storage: `quantized/uint8/` or none. */
const prefix = (storage: Storage): string => (storage === 'float32' ? '' : `quantized/${storage}/`);

/**
 * The bytes a run's model takes on disk in a storage: the file kdlab wrote (model.json + weights.bin), or,
 * stored sparse, the same file with its weights encoded sparse (`sparse_bytes`, weights only, plus the
 * model.json: the file's bytes less its dense weights).
 */
export function storedBytes(run: StoredRun, storage: Storage, sparse: boolean): number | undefined {
  const file = optionalMetric(run, storage === 'float32' ? 'model/bytes_on_disk' : `quantized/${storage}/bytes`);
  if (!sparse) return file;
  const params = optionalMetric(run, 'model/params');
  const weights = storage === 'float32' ? optionalMetric(run, 'model/sparse_bytes') : optionalMetric(run, `quantized/${storage}/sparse_bytes`);
  if (file === undefined || params === undefined || weights === undefined) return undefined;
  const denseWeights = params * (storage === 'float32' ? 4 : storage === 'float16' ? 2 : 1);
  return file - denseWeights + weights;
}

/** A run's test accuracy in a storage (after the quantized file's round trip). */
const accuracyIn = (run: StoredRun, storage: Storage): number | undefined => optionalMetric(run, `${prefix(storage)}test/accuracy`);

export default defineStudy({
  id: 'compression',
  title: 'Compression against accuracy retention, measured',
  question:
    'Distillation guides quote a table no tool measures: naive pruning compresses 3-5x at 85-92% accuracy retention, quantization alone 2-4x at 90-97%, distillation alone 10-50x at 92-99%, distillation + quantization 40-100x at 88-98%. What do real pruning, real 8-bit and 16-bit weights in the TensorFlow.js format, and a distilled student give on MNIST and Fashion-MNIST, in bytes on disk, retention with intervals, and latency in Node and in a browser?',
  setting: [
    'The models are study 6\'s: the 349K-parameter CNN teacher and its 30.5K-parameter thin-deep student distilled with the authors\' KD cost (3 seeds), on each dataset. *Quantized*: each trained model saved with its weights as uint8 (the TensorFlow.js converter\'s affine map, 0 exact) or float16 in the stock weights format, loaded back with `tf.loadLayersModel` and run on the 10,000 test images (`evaluate.quantize`). *Teacher pruned*: the trained teacher copied into a student of its architecture (`student.init: copy`), 90% of every kernel pruned by magnitude along the polynomial schedule over 3 epochs and fine-tuned one more on the labels (Adam at 1e-4), 3 seeds. *Distilled + pruned*: the KD student distilled 20 epochs, then 5 more while 75% of every kernel is pruned (polynomial over 4), 3 seeds.',
    '*Bytes*: the files on disk, model.json included; a pruned model\'s with its weights stored sparse (nonzero values at their width plus a bitmap or CSR indices, whichever is smaller per tensor: docs/compression.md), the size a sparse encoding takes, since the TensorFlow.js format has none. *Compression*: the teacher\'s float32 file over the row\'s bytes. *Retention*: test accuracy over the teacher\'s, per seed. *Latency*: one image at a time, and per image in batches of 100. TensorFlow.js dequantizes on load and does not skip zeros, so a quantized or pruned model runs as fast as its float32 original: latency depends on the architecture and the backend only, and two peers time each architecture at its seed-0 initialisation, apart from the training runs, in more than one storage to show it. Node: tfjs-node (TensorFlow\'s C library, 1 intra-op thread), the Node peer (`repro/node-latency`): the float32, uint8 and float16 files loaded back with `tf.loadLayersModel`, the median of 200 single-image predictions of MNIST test digits after 20 warm-up, and per image over 1,000 digits in batches of 100 (median of 5 passes), the architectures and storages in alternation (5 rounds of a fifth of each), with the machine\'s load recorded; until it has run, the runs\' `model/latency_ms` (median of 30, measured inside training while other studies shared the cores). Browser: the page `kdlab export` writes, in headless Chromium on the wasm backend (mean over 200 images, and per image in batches of 100), float32 and uint8 files.',
  ].join('\n\n'),
  experiments: ['experiments/repro/compression-mnist-teacher-pruned.ts', 'experiments/repro/compression-mnist-student-pruned.ts', 'experiments/repro/compression-fashion-teacher-pruned.ts', 'experiments/repro/compression-fashion-student-pruned.ts'],
  experimentNames: DATASETS.flatMap((d) => [d.fitnets, d.compression]),
  peers: [
    { name: PEER, command: ['bash', 'repro/browser-latency/run.sh', '--out', 'repro/store/browser-latency/compression.json'], results: 'browser-latency/compression.json' },
    { name: NODE_PEER, command: ['bash', 'repro/node-latency/run.sh', '--out', 'repro/store/node-latency/compression.json'], results: 'node-latency/compression.json' },
  ],
  debianPackages: [{ name: 'dataset-fashion-mnist', provides: '/usr/share/datasets/fashion-mnist' }],
  published: (Object.values(QUOTED) as (typeof QUOTED)[Technique][]).map((q) => ({
    quantity: `${q.label}: compression, accuracy retention`,
    value: `${q.compression[0]}-${q.compression[1]}x, ${q.retention[0] * 100}-${q.retention[1] * 100}%`,
    source: 'distillation guides (the table kdlab\'s issue 12 quotes)',
  })),
  analyse(runs: StudyRuns) {
    const browser = readBrowserLatency(runs.peers.get(PEER));
    const node = readNodeLatency(runs.peers.get(NODE_PEER));
    const tableRows: string[][] = [];
    const outcomes: Outcome[] = [];
    let complete = true;
    for (const dataset of DATASETS) {
      const teacher = teachersOf(runs, dataset.fitnets)[0];
      const kd = runsOf(runs, dataset.fitnets, 'distilled').filter((run) => fitnetsArm(run) === 'KD');
      const compression = runsOf(runs, dataset.compression, 'distilled');
      const kindOf = (run: StoredRun): unknown => paramValue(run, 'student.model.kind');
      const teacherPruned = compression.filter((run) => kindOf(run) === 'cnn');
      const studentPruned = compression.filter((run) => kindOf(run) === 'fitnet');
      const teacherRuns = teacher ? [teacher] : [];
      const rows: Row[] = [
        { label: 'teacher (float32)', runs: teacherRuns, storage: 'float32', sparse: false, architecture: 'teacher' },
        { label: 'teacher, uint8', technique: 'quantization', runs: teacherRuns, storage: 'uint8', sparse: false, architecture: 'teacher' },
        { label: 'teacher, float16', runs: teacherRuns, storage: 'float16', sparse: false, architecture: 'teacher' },
        { label: 'teacher pruned 90%', technique: 'pruning', runs: teacherPruned, storage: 'float32', sparse: true, architecture: 'teacher' },
        { label: 'teacher pruned 90%, uint8', runs: teacherPruned, storage: 'uint8', sparse: true, architecture: 'teacher' },
        { label: 'distilled student', technique: 'distillation', runs: kd, storage: 'float32', sparse: false, architecture: 'student' },
        { label: 'distilled, uint8', technique: 'distillationQuantization', runs: kd, storage: 'uint8', sparse: false, architecture: 'student' },
        { label: 'distilled + pruned 75%', runs: studentPruned, storage: 'float32', sparse: true, architecture: 'student' },
        { label: 'distilled + pruned 75%, uint8', runs: studentPruned, storage: 'uint8', sparse: true, architecture: 'student' },
      ];
      const teacherBytes = teacher ? storedBytes(teacher, 'float32', false) : undefined;
      const teacherAccuracy = teacher ? accuracyIn(teacher, 'float32') : undefined;
      for (const row of rows) {
        const bytes = row.runs.map((run) => storedBytes(run, row.storage, row.sparse)).filter((b): b is number => b !== undefined);
        const accuracies = row.runs.map((run) => accuracyIn(run, row.storage)).filter((a): a is number => a !== undefined);
        const retention = teacherAccuracy === undefined ? undefined : summarize(accuracies.map((a) => (100 * a) / teacherAccuracy));
        const meanBytes = bytes.length === 0 ? undefined : bytes.reduce((a, b) => a + b, 0) / bytes.length;
        const ratio = meanBytes === undefined || teacherBytes === undefined ? undefined : teacherBytes / meanBytes;
        const nonzero = row.sparse ? mean(row.runs.map((run) => optionalMetric(run, 'model/nonzero_params'))) : mean(row.runs.map((run) => optionalMetric(run, 'model/params')));
        const runsLatency = mean(row.runs.map((run) => optionalMetric(run, 'model/latency_ms')));
        tableRows.push([
          dataset.label,
          row.label,
          String(row.runs.length),
          nonzero === undefined ? 'n/a' : count(Math.round(nonzero)),
          meanBytes === undefined ? 'n/a' : count(Math.round(meanBytes)),
          ratio === undefined ? 'n/a' : `${ratio.toFixed(1)}x`,
          formatSummary(summarize(accuracies.map((a) => a * 100)), 2),
          formatSummary(retention, 1),
          node ? nodeLatency(node, row.architecture, row.storage) : runsLatency === undefined ? 'n/a' : runsLatency.toFixed(2),
          browserLatency(browser, row.architecture, row.storage),
        ]);
        const minimum = row.runs === teacherRuns ? 1 : SEEDS;
        if (row.runs.length < minimum) complete = false;
        if (row.technique !== undefined && ratio !== undefined && retention !== undefined) outcomes.push({ dataset: dataset.label, technique: row.technique, compression: ratio, retention });
      }
    }
    const notes: string[] = [];
    if (browser) notes.push(`Browser latency measured ${browser.measuredAt.slice(0, 16).replace('T', ' ')} UTC in ${browserName(browser.browser)} (TensorFlow.js ${browser.tfjs}, backend ${[...new Set(browser.pages.map((p) => p.backend))].join(', ')}) on ${browser.cpu}, each architecture at its seed-0 initialisation (latency does not depend on the weights' values).`);
    else notes.push('Browser latency: not measured yet (the study\'s peer, `repro/browser-latency/measure-browser-latency.ts`, needs Chromium).');
    notes.push(node ? nodeNote(node) : 'Node latency: the training runs\' `model/latency_ms` (median of 30 single-image predictions inside each run, while other studies shared the cores: a rough guide only); the study\'s Node peer (`repro/node-latency/run.sh`) has not written its results yet.');
    return {
      tables: [
        table(
          'Compression and retention (test accuracy over 10,000 test images; mean [95% t-interval] over seeds where there are several; compression against the teacher\'s float32 file); latency per image in ms',
          ['data', 'model', '>n', '>parameters (nonzero)', '>bytes', '>compression', '>test accuracy (%)', '>retention (%)', node ? '>Node (ms, alone / batched)' : '>Node (ms, in the runs)', '>browser (ms, alone / batched)'],
          tableRows,
        ),
        table(
          'The guides\' table against kdlab\'s measurement (retention: mean over seeds)',
          ['technique', 'quoted', ...DATASETS.map((d) => `>${d.label}`)],
          (Object.keys(QUOTED) as Technique[]).map((technique) => {
            const q = QUOTED[technique];
            return [
              q.label,
              `${q.compression[0]}-${q.compression[1]}x at ${q.retention[0] * 100}-${q.retention[1] * 100}%`,
              ...DATASETS.map((d) => {
                const o = outcomes.find((x) => x.dataset === d.label && x.technique === technique);
                return o ? `${o.compression.toFixed(1)}x at ${o.retention.mean.toFixed(1)}%` : 'n/a';
              }),
            ];
          }),
        ),
      ],
      plots: [],
      verdict: judge(outcomes, complete, DATASETS.reduce((sum, d) => sum + (runs.finished.get(d.compression)?.length ?? 0), 0)),
      notes,
    };
  },
});

interface Outcome {
  dataset: string;
  technique: Technique;
  compression: number;
  /** Retention in percent over seeds. */
  retention: SampleSummary;
}

function mean(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : known.reduce((a, b) => a + b, 0) / known.length;
}

function browserLatency(results: BrowserLatencyResults | undefined, architecture: 'teacher' | 'student', storage: Storage): string {
  if (results === undefined) return 'n/a';
  // float16 is dequantized on load like uint8: the float32 page's time stands for it.
  const page = results.pages.find((p) => p.model === architecture && p.variant === (storage === 'uint8' ? 'uint8' : 'float32'));
  return page ? `${page.batch1.mean.toFixed(2)} / ${page.batched.perImage.toFixed(2)}` : 'n/a';
}

/** The Node peer's time for an architecture in a storage, alone (median) / batched, in ms; float32's when that storage was not timed. */
function nodeLatency(results: NodeLatencyResults, architecture: 'teacher' | 'student', storage: Storage): string {
  const timed = results.models.find((m) => m.model === architecture && m.variant === storage) ?? results.models.find((m) => m.model === architecture && m.variant === 'float32');
  return timed ? `${timed.batch1.median.toFixed(2)} / ${timed.batched.perImage.toFixed(2)}` : 'n/a';
}

/** Where and how the Node peer timed: the machine, its load, the backend (less the build folder's path) and the protocol. */
function nodeNote(results: NodeLatencyResults): string {
  const first = results.models[0];
  const backend = results.backend.replace(/, built in [^,]*/, '');
  const load = `1-minute load average ${results.loadAverage.start.toFixed(2)} at the start and ${results.loadAverage.end.toFixed(2)} at the end`;
  const protocol = first
    ? `; alone: the median of ${first.batch1.runs} single-image predictions after ${first.batch1.warmup} warm-up; batched: per image over ${first.batched.images.toLocaleString('en-US')} digits in batches of ${first.batched.batchSize} (median of ${first.batched.passes} passes)`
    : '';
  return `Node latency measured ${results.measuredAt.slice(0, 16).replace('T', ' ')} UTC by the study's Node peer (\`repro/node-latency\`) on ${results.cpu} (${results.cores} cores, ${load}), backend ${backend}, TensorFlow.js ${results.tfjs}, Node ${results.node}: each architecture at its seed-0 initialisation, its files loaded back with \`tf.loadLayersModel\`, on the first ${results.samples.count.toLocaleString('en-US')} test digits of \`${results.samples.dataset}\`${protocol}.`;
}

/** Whether a measured outcome is at least as good as the guides quote: compression at or above the range's low end, retention at or above its low end. */
export function atLeastAsQuoted(outcome: Pick<Outcome, 'technique' | 'compression'> & { retentionPercent: number }): boolean {
  const q = QUOTED[outcome.technique];
  return outcome.compression >= q.compression[0] && outcome.retentionPercent >= q.retention[0] * 100;
}

function judge(outcomes: readonly Outcome[], complete: boolean, compressionRuns: number): Verdict {
  const criterion =
    'Criterion: *reproduced* when, on both datasets, each of the four techniques compresses at least as much as the low end of its quoted range with a mean retention at least the low end of its quoted retention; *partly* when some do; *not reproduced* when none does.';
  if (compressionRuns === 0 && outcomes.length === 0) return { level: 'not run yet', text: criterion };
  const held = outcomes.filter((o) => atLeastAsQuoted({ technique: o.technique, compression: o.compression, retentionPercent: o.retention.mean }));
  const seen = `At least as quoted: ${held.length === 0 ? 'none' : held.map((o) => `${QUOTED[o.technique].label} on ${o.dataset}`).join(', ')} (of ${outcomes.length} measured).`;
  if (!complete || outcomes.length < DATASETS.length * 4) return { level: 'incomplete', text: `${seen} ${criterion}` };
  return { level: held.length === outcomes.length ? 'reproduced' : held.length > 0 ? 'partly reproduced' : 'not reproduced', text: `${seen} ${criterion}` };
}
