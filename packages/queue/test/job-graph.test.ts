import { describe, expect, it } from 'vitest';
import { sweepBaselineKey, sweepTeacherKey, type ResolvedTrial } from '@kdlab/runner';
import { buildJobGraph, dependentsOf, type JobGraph, type JobNode } from '@kdlab/queue';
import { trialOf } from './support/trials.js';

const teacherOf = (t: ResolvedTrial): string => `teacher-${sweepTeacherKey(t)}`;
const baselineOf = (t: ResolvedTrial): string => `baseline-${sweepBaselineKey(t)}`;

/** The node of an id, failing the test when the graph has none. */
function nodeOf(graph: JobGraph, id: string): JobNode {
  const node = graph.nodes.find((candidate) => candidate.id === id);
  expect(node, `node ${id}`).toBeDefined();
  return node!;
}

/** Every node comes after the nodes it waits for, every dependency is a node, and no id repeats or holds a `:`. */
function expectWellFormed(graph: JobGraph): void {
  const position = new Map(graph.nodes.map((node, index) => [node.id, index]));
  expect(position.size, 'distinct ids').toBe(graph.nodes.length);
  graph.nodes.forEach((node, index) => {
    expect(node.id).not.toContain(':');
    for (const dep of node.deps) {
      expect(position.has(dep), `${node.id} waits for ${dep}, which is no node`).toBe(true);
      expect(position.get(dep)!, `${dep} comes before ${node.id}`).toBeLessThan(index);
    }
  });
}

/**
 * Six trials: two teacher seeds x two temperatures (0-3: a teacher and a baseline per seed, each shared
 * by the two temperatures), then one on seed 0 with another transfer set (4: seed 0's teacher, a
 * baseline of its own) and one on seed 0 with another student seed (5: seed 0's teacher, a baseline of its own).
 */
function sharedSweep(): ResolvedTrial[] {
  return [
    trialOf(0, { seed: 0, temperature: 2 }),
    trialOf(1, { seed: 0, temperature: 8 }),
    trialOf(2, { seed: 1, temperature: 2 }),
    trialOf(3, { seed: 1, temperature: 8 }),
    trialOf(4, { seed: 0, temperature: 2, transfer: 'unlabelled' }),
    trialOf(5, { seed: 0, studentSeed: 7, temperature: 2 }),
  ];
}

describe('buildJobGraph', () => {
  it('the fixtures share what the runner shares: a teacher across temperatures, transfer sets and student seeds; a baseline across temperatures only', () => {
    const [t0, t1, t2, , t4, t5] = sharedSweep();
    expect(sweepTeacherKey(t1!)).toBe(sweepTeacherKey(t0!));
    expect(sweepTeacherKey(t4!)).toBe(sweepTeacherKey(t0!));
    expect(sweepTeacherKey(t5!)).toBe(sweepTeacherKey(t0!));
    expect(sweepTeacherKey(t2!)).not.toBe(sweepTeacherKey(t0!));
    expect(sweepBaselineKey(t1!)).toBe(sweepBaselineKey(t0!));
    expect(new Set([t0!, t2!, t4!, t5!].map(sweepBaselineKey)).size).toBe(4);
  });

  it('gives each teacher once, each baseline once after its teacher, each trial after its teacher and baseline, and finish after every trial', () => {
    const trials = sharedSweep();
    const [t0, , t2, , t4, t5] = trials;
    const graph = buildJobGraph(trials);
    expectWellFormed(graph);

    expect(graph.nodes.map((node) => node.id)).toEqual([
      teacherOf(t0!),
      teacherOf(t2!),
      baselineOf(t0!),
      baselineOf(t2!),
      baselineOf(t4!),
      baselineOf(t5!),
      'trial-0',
      'trial-1',
      'trial-2',
      'trial-3',
      'trial-4',
      'trial-5',
      'finish',
    ]);
    // A shared teacher or baseline runs with the first trial that needs it.
    expect(nodeOf(graph, teacherOf(t0!))).toEqual({ id: teacherOf(t0!), kind: 'teacher', deps: [], trial: 0 });
    expect(nodeOf(graph, teacherOf(t2!))).toEqual({ id: teacherOf(t2!), kind: 'teacher', deps: [], trial: 2 });
    expect(nodeOf(graph, baselineOf(t0!))).toEqual({ id: baselineOf(t0!), kind: 'baseline', deps: [teacherOf(t0!)], trial: 0 });
    expect(nodeOf(graph, baselineOf(t2!))).toEqual({ id: baselineOf(t2!), kind: 'baseline', deps: [teacherOf(t2!)], trial: 2 });
    expect(nodeOf(graph, baselineOf(t4!))).toEqual({ id: baselineOf(t4!), kind: 'baseline', deps: [teacherOf(t0!)], trial: 4 });
    expect(nodeOf(graph, baselineOf(t5!))).toEqual({ id: baselineOf(t5!), kind: 'baseline', deps: [teacherOf(t0!)], trial: 5 });
    for (const t of trials) {
      expect(nodeOf(graph, `trial-${t.trial.index}`)).toEqual({ id: `trial-${t.trial.index}`, kind: 'trial', deps: [teacherOf(t), baselineOf(t)], trial: t.trial.index });
    }
    const finish = nodeOf(graph, 'finish');
    expect(finish).toEqual({ id: 'finish', kind: 'finish', deps: ['trial-0', 'trial-1', 'trial-2', 'trial-3', 'trial-4', 'trial-5'] });
    expect('trial' in finish).toBe(false);
  });

  it('without baselines, a trial waits for its teacher alone and no baseline job is made', () => {
    const trials = [trialOf(0, { seed: 0, baseline: false, temperature: 2 }), trialOf(1, { seed: 0, baseline: false, temperature: 8 }), trialOf(2, { seed: 3, baseline: false })];
    const graph = buildJobGraph(trials);
    expectWellFormed(graph);
    expect(graph.nodes.filter((node) => node.kind === 'baseline')).toEqual([]);
    expect(graph.nodes.map((node) => [node.id, node.deps])).toEqual([
      [teacherOf(trials[0]!), []],
      [teacherOf(trials[2]!), []],
      ['trial-0', [teacherOf(trials[0]!)]],
      ['trial-1', [teacherOf(trials[0]!)]],
      ['trial-2', [teacherOf(trials[2]!)]],
      ['finish', ['trial-0', 'trial-1', 'trial-2']],
    ]);
  });

  it('gives a baseline only to the trials that train one when a sweep mixes both', () => {
    const withBaseline = trialOf(0, { baseline: true });
    const without = trialOf(1, { baseline: false, temperature: 8 });
    const graph = buildJobGraph([withBaseline, without]);
    expectWellFormed(graph);
    expect(sweepTeacherKey(without)).toBe(sweepTeacherKey(withBaseline));
    expect(graph.nodes.filter((node) => node.kind === 'baseline').map((node) => node.id)).toEqual([baselineOf(withBaseline)]);
    expect(nodeOf(graph, 'trial-0').deps).toEqual([teacherOf(withBaseline), baselineOf(withBaseline)]);
    expect(nodeOf(graph, 'trial-1').deps).toEqual([teacherOf(without)]);
  });

  it('names the jobs of the pending trials by their index in the whole sweep (finished ones left out by the caller)', () => {
    const [, , t2, t3] = sharedSweep();
    const graph = buildJobGraph([t2!, t3!]);
    expectWellFormed(graph);
    expect(graph.nodes.map((node) => [node.id, node.trial])).toEqual([
      [teacherOf(t2!), 2],
      [baselineOf(t2!), 2],
      ['trial-2', 2],
      ['trial-3', 3],
      ['finish', undefined],
    ]);
  });

  it('is a lone finish job with nothing to wait for when no trial is pending', () => {
    expect(buildJobGraph([]).nodes).toEqual([{ id: 'finish', kind: 'finish', deps: [] }]);
  });
});

describe('dependentsOf', () => {
  it('turns every edge round: each job lists the jobs that wait for it, in graph order, and finish none', () => {
    const trials = sharedSweep();
    const [t0, , t2, , t4, t5] = trials;
    const graph = buildJobGraph(trials);
    const dependents = dependentsOf(graph);
    expect([...dependents.keys()]).toEqual(graph.nodes.map((node) => node.id));
    expect(dependents.get(teacherOf(t0!))).toEqual([baselineOf(t0!), baselineOf(t4!), baselineOf(t5!), 'trial-0', 'trial-1', 'trial-4', 'trial-5']);
    expect(dependents.get(teacherOf(t2!))).toEqual([baselineOf(t2!), 'trial-2', 'trial-3']);
    expect(dependents.get(baselineOf(t0!))).toEqual(['trial-0', 'trial-1']);
    expect(dependents.get(baselineOf(t2!))).toEqual(['trial-2', 'trial-3']);
    expect(dependents.get(baselineOf(t4!))).toEqual(['trial-4']);
    expect(dependents.get(baselineOf(t5!))).toEqual(['trial-5']);
    for (const t of trials) expect(dependents.get(`trial-${t.trial.index}`)).toEqual(['finish']);
    expect(dependents.get('finish')).toEqual([]);
    // The same edges, both ways.
    const edges = graph.nodes.flatMap((node) => node.deps.map((dep) => `${dep}->${node.id}`)).sort();
    const reversed = [...dependents].flatMap(([dep, nodes]) => nodes.map((node) => `${dep}->${node}`)).sort();
    expect(reversed).toEqual(edges);
  });
});
