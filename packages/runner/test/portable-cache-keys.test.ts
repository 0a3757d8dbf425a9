import { describe, expect, it } from 'vitest';
import { byteSplit, type BackendInfo, type Dataset, type DataSplit, type PluginRegistries, type ResolvedExperiment, type Tracker } from '@kdlab/core';
import { datasetDigest, DistillationRunner, teacherData, TrainedModelCache } from '@kdlab/runner';

function split(count: number, offset: number): DataSplit {
  return { x: Float32Array.from({ length: count * 4 }, (_, i) => (i + offset) / 10), y: Int32Array.from({ length: count }, (_, i) => (i + offset) % 3), count };
}

/** The same small data set, as read from `source`. */
function dataset(source: string, trainOffset = 0): Dataset {
  return { name: 'tiny', inputShape: [2, 2], numClasses: 3, classNames: ['a', 'b', 'c'], train: split(6, trainOffset), val: split(2, 100), test: split(3, 200), source };
}

/** Just what the teacher keys read of an experiment. */
const experiment = {
  name: 'e',
  seed: 3,
  data: { dataset: 'tiny', split: { train: 0.8, val: 0.1, test: 0.1 } },
  teacher: { model: { kind: 'mlp', options: { hidden: [8] } }, train: { epochs: 2, batchSize: 4 } },
} as unknown as ResolvedExperiment;

const ensemble = {
  ...experiment,
  teacher: { ensemble: [experiment.teacher, { ...experiment.teacher, seed: 9 }], combine: 'mean-logits' },
} as unknown as ResolvedExperiment;

function runner(portableCacheKeys?: boolean): DistillationRunner {
  return new DistillationRunner({
    registries: {} as PluginRegistries,
    tracker: { description: 'http://mlflow.example.org:5000' } as Tracker,
    backend: { name: 'cpu' } as BackendInfo,
    ...(portableCacheKeys !== undefined ? { portableCacheKeys } : {}),
  });
}

describe('portable teacher cache keys', () => {
  const onA = dataset('/home/alice/data/tiny.csv');
  const onB = dataset('/srv/shared/datasets/tiny.csv');

  it('give the same key for the same contents at different paths', () => {
    expect(runner(true).teacherCacheKeys(experiment, onA)).toEqual(runner(true).teacherCacheKeys(experiment, onB));
    expect(runner(true).teacherCacheKeys(ensemble, onA)).toEqual(runner(true).teacherCacheKeys(ensemble, onB));
  });

  it('differ when the contents differ', () => {
    const changed = dataset('/home/alice/data/tiny.csv', 1);
    expect(runner(true).teacherCacheKeys(experiment, changed)).not.toEqual(runner(true).teacherCacheKeys(experiment, onA));
    const relabelled = { ...onA, test: { ...onA.test, y: Int32Array.from(onA.test.y, (y) => (y + 1) % 3) } };
    expect(runner(true).teacherCacheKeys(experiment, relabelled)).not.toEqual(runner(true).teacherCacheKeys(experiment, onA));
  });

  it('are off by default: keys depend on the path, exactly as before', () => {
    expect(runner().teacherCacheKeys(experiment, onA)).not.toEqual(runner().teacherCacheKeys(experiment, onB));
    expect(runner(false).teacherCacheKeys(experiment, onA)).toEqual(runner().teacherCacheKeys(experiment, onA));
    // The key as it was computed before the flag existed (existing caches and study stores keep theirs).
    const member = experiment.teacher as { model: unknown; train: unknown };
    const before = TrainedModelCache.key({ member: { model: member.model, train: member.train }, seed: 3, data: teacherData(experiment.data), dataSeed: 3, source: onA.source, backend: 'cpu', store: 'http://mlflow.example.org:5000' });
    expect(runner().teacherCacheKeys(experiment, onA)).toEqual([before]);
    expect(runner(true).teacherCacheKeys(experiment, onA)).not.toEqual([before]);
  });

  it('digest a data set once, as SHA-256 of its contents', () => {
    const digest = datasetDigest(onA);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(datasetDigest(onB)).toBe(digest);
    // Memoised per data set object: a later change to its arrays is not seen (loaded data are never changed).
    onA.train.x[0] = 42;
    expect(datasetDigest(onA)).toBe(digest);
    expect(datasetDigest(dataset('x'))).toBe(digest);
    expect(datasetDigest({ ...onA })).not.toBe(digest);
  });

  it('digest a split held as bytes exactly as its float copy, across chunks of rows', () => {
    const count = 5000; // more rows than one chunk of the digest
    const bytes = Uint8Array.from({ length: count * 4 }, (_, i) => (i * 31) % 256);
    const levels = Float32Array.from({ length: 256 }, (_, p) => p / 255);
    const y = Int32Array.from({ length: count }, (_, i) => i % 3);
    const compact = byteSplit({ bytes, levels, channels: 1 }, y);
    const floats: DataSplit = { x: Float32Array.from(bytes, (p) => levels[p]!), y, count };
    const withTrain = (train: DataSplit): Dataset => ({ ...dataset('/b'), train });
    expect(datasetDigest(withTrain(compact))).toBe(datasetDigest(withTrain(floats)));
    const changed = bytes.slice();
    changed[count * 4 - 1] = (changed[count * 4 - 1]! + 1) % 256;
    expect(datasetDigest(withTrain(byteSplit({ bytes: changed, levels, channels: 1 }, y)))).not.toBe(datasetDigest(withTrain(floats)));
  });
});
