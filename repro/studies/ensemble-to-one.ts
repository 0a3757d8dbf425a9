import type { StoredRun } from '@kdlab/report';
import { bySeed, values } from '../page/by-seed.js';
import { intervalPlot, type PlotPoint } from '../page/plots.js';
import { formatDifference, formatSummary, pairByKey, significantlyBelowZero, summarize } from '../page/statistics.js';
import { defineStudy, type Verdict } from '../page/study.js';
import { baselinesOf, linkedRun, roleOf, runsOf, testErrors, type StudyRuns } from '../page/study-runs.js';
import { table } from '../page/tables.js';

const EXPERIMENT = 'ensemble-to-one';
const MEMBERS = 5;
const SEEDS = 3;

export default defineStudy({
  id: 'ensemble-to-one',
  title: 'One student keeps an ensemble\'s gain (Hinton et al. 2015, section 4)',
  question:
    'Hinton et al. distilled an ensemble of 10 speech models into a single model of the same size and kept more than 80% of the ensemble\'s gain (baseline 58.9%, ensemble 61.1%, distilled 60.8% test frame accuracy). On MNIST, how much of the gain of an ensemble of five teachers over one of them does a distilled student keep?',
  setting: [
    'Five teachers of the paper\'s recipe (study 1), each trained for 30 epochs with its own seed (0-4); the ensemble averages their logits. The 800-800 student (study 1\'s training) is distilled from the ensemble and, in a second experiment file, from the first member alone (0.1 x CE + 0.9 x T^2 x KL at T = 4), 3 student seeds, against the same baselines.',
    'Kept fraction, per seed: (errors of the student distilled from member 1 - errors of the student distilled from the ensemble) / (errors of member 1 - errors of the ensemble).',
  ].join('\n\n'),
  experiments: ['experiments/repro/ensemble-to-one.ts', 'experiments/repro/ensemble-to-one-single.ts'],
  experimentNames: [EXPERIMENT],
  published: [
    { quantity: 'speech: one model / 10-model ensemble / distilled single model, test frame accuracy', value: '58.9% / 61.1% / 60.8%', source: 'Hinton et al. 2015, table 1' },
    { quantity: 'share of the ensemble\'s gain kept by the distilled model', value: 'more than 80% (86%)', source: 'ibid., section 4' },
  ],
  analyse(runs: StudyRuns) {
    const teachers = runsOf(runs, EXPERIMENT, 'teacher').sort((a, b) => a.runName.localeCompare(b.runName));
    const ensemble = runsOf(runs, EXPERIMENT, 'ensemble')[0];
    const member1 = teachers.find((run) => run.runName === 'teacher-1');
    const distilled = runsOf(runs, EXPERIMENT, 'distilled');
    const teacherRole = (run: StoredRun): string => (linkedRun(runs, run, 'kdlab.teacher_run_id') ? roleOf(linkedRun(runs, run, 'kdlab.teacher_run_id')!) : '');
    const baseline = bySeed(baselinesOf(runs, EXPERIMENT), (run) => testErrors(run));
    const fromEnsemble = bySeed(distilled.filter((run) => teacherRole(run) === 'ensemble'), (run) => testErrors(run));
    const fromOne = bySeed(distilled.filter((run) => teacherRole(run) === 'teacher'), (run) => testErrors(run));
    const memberErrors = teachers.map((run) => testErrors(run));
    const ensembleErrors = ensemble ? testErrors(ensemble) : undefined;
    const member1Errors = member1 ? testErrors(member1) : undefined;
    const rows: string[][] = [
      ['teachers (each)', String(teachers.length), formatSummary(summarize(memberErrors)), memberErrors.join(', ')],
      ['ensemble of the teachers (mean logits)', ensemble ? '1' : '0', ensembleErrors === undefined ? 'n/a' : String(ensembleErrors), ''],
      ['student, baseline', String(baseline.size), formatSummary(summarize(values(baseline))), ''],
      ['student distilled from member 1', String(fromOne.size), formatSummary(summarize(values(fromOne))), `vs baseline ${formatDifference(pairByKey(fromOne, baseline))}`],
      ['student distilled from the ensemble', String(fromEnsemble.size), formatSummary(summarize(values(fromEnsemble))), `vs baseline ${formatDifference(pairByKey(fromEnsemble, baseline))}; vs member 1's student ${formatDifference(pairByKey(fromEnsemble, fromOne))}`],
    ];
    let kept: ReturnType<typeof summarize>;
    if (ensembleErrors !== undefined && member1Errors !== undefined && member1Errors > ensembleErrors) {
      const fractions = [...fromEnsemble].filter(([seed]) => fromOne.has(seed)).map(([seed, errors]) => (fromOne.get(seed)! - errors) / (member1Errors - ensembleErrors));
      kept = summarize(fractions);
    }
    const points: PlotPoint[] = [];
    const add = (x: string, summary: ReturnType<typeof summarize>): void => {
      if (summary) points.push({ x, y: summary.mean, series: 'kdlab', ...(summary.ci ? { low: summary.ci.low, high: summary.ci.high } : {}) });
    };
    add('member 1', member1Errors === undefined ? undefined : summarize([member1Errors]));
    add('ensemble', ensembleErrors === undefined ? undefined : summarize([ensembleErrors]));
    add('baseline', summarize(values(baseline)));
    add('from member 1', summarize(values(fromOne)));
    add('from ensemble', summarize(values(fromEnsemble)));
    const complete = teachers.length >= MEMBERS && ensemble !== undefined && baseline.size >= SEEDS && fromOne.size >= SEEDS && fromEnsemble.size >= SEEDS;
    return {
      tables: [
        table('Test errors out of 10,000 (mean [95% t-interval] over seeds; the teachers over their five seeds); paired differences by student seed', ['model', '>n', '>test errors', 'differences'], rows),
        table('Share of the ensemble\'s gain over member 1 that the student keeps (mean [95% t-interval] over student seeds)', ['gain of the ensemble over member 1 (errors)', '>kept fraction'], [[member1Errors === undefined || ensembleErrors === undefined ? 'n/a' : String(member1Errors - ensembleErrors), formatSummary(kept, 2)]]),
      ],
      plots: points.length < 3 ? [] : [{ name: 'errors', caption: 'Test errors of member 1, the ensemble, and the students', spec: intervalPlot(points, { title: 'Test errors out of 10,000', xTitle: 'model', yTitle: 'test errors' }) }],
      verdict: judge(complete, kept, pairByKey(fromEnsemble, fromOne), pairByKey(fromEnsemble, baseline), runs.finished.get(EXPERIMENT)?.length ?? 0),
      notes: notesOn(pairByKey(fromOne, baseline), member1Errors, summarize(values(baseline))),
    };
  },
});

/** What the single member's student says about the teachers: a teacher no better than the student's baseline has little to teach. */
function notesOn(fromOneVsBaseline: ReturnType<typeof pairByKey>, member1Errors: number | undefined, baseline: ReturnType<typeof summarize>): string[] {
  if (fromOneVsBaseline?.ci === undefined || fromOneVsBaseline.ci.low <= 0 || member1Errors === undefined || baseline === undefined) return [];
  return [
    `Distilled from member 1 alone, the student is significantly worse than its baseline (${formatDifference(fromOneVsBaseline)} errors): member 1 (${member1Errors} errors) is about as good as the baseline student (${formatSummary(baseline)}), so a single member has little to teach it at this budget; the paper's single models were the students' own architecture, with the ensemble's gain over them to pass on.`,
  ];
}

function judge(complete: boolean, kept: ReturnType<typeof summarize>, difference: ReturnType<typeof pairByKey>, overBaseline: ReturnType<typeof pairByKey>, finishedRuns: number): Verdict {
  const criterion =
    'Criterion: *reproduced* when the student distilled from the ensemble makes significantly fewer errors than the one distilled from member 1 (paired 95% interval below 0), keeps at least half of the ensemble\'s gain on average, and makes significantly fewer errors than its baseline (as the paper\'s distilled model beat the single model, 60.8% against 58.9%); *partly* when one or two of the three hold; *not reproduced* when none does.';
  if (finishedRuns === 0) return { level: 'not run yet', text: criterion };
  if (kept === undefined && difference === undefined) return { level: complete ? 'not reproduced' : 'incomplete', text: criterion };
  const seen = `The student distilled from the ensemble differs from the one distilled from member 1 by ${formatDifference(difference)} errors, keeps ${formatSummary(kept, 2)} of the ensemble's gain (paper: 0.86 on speech), and differs from its baseline by ${formatDifference(overBaseline)} errors.`;
  if (!complete) return { level: 'incomplete', text: `${seen} ${criterion}` };
  const held = [significantlyBelowZero(difference), kept !== undefined && kept.mean >= 0.5, significantlyBelowZero(overBaseline)].filter(Boolean).length;
  return { level: held === 3 ? 'reproduced' : held > 0 ? 'partly reproduced' : 'not reproduced', text: `${seen} ${criterion}` };
}
