import type { Model, ModelBuildContext } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKdlabModel, studentModels } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

/** One tiny configuration of a family, and whether its training pass differs from inference (dropout, batch norm). */
interface ZooCase {
  label: string;
  kind: (typeof studentModels)[number]['id'];
  options: Record<string, unknown>;
  context: Omit<ModelBuildContext, 'seed'>;
  stochasticOrBatchStatistics: boolean;
  input: (batch: number) => tf.Tensor;
}

const image = (shape: number[]) => (batch: number) => tf.randomNormal([batch, ...shape], 0, 1, 'float32', 21);
const tokenIds = (length: number, vocab: number) => (batch: number) => tf.floor(tf.randomUniform([batch, length], 0, vocab, 'float32', 22));

const cases: ZooCase[] = [
  { label: 'mlp', kind: 'mlp', options: { hidden: [6] }, context: { inputShape: [4, 4, 1], numClasses: 3 }, stochasticOrBatchStatistics: false, input: image([4, 4, 1]) },
  {
    label: 'cnn with batch norm and dropout',
    kind: 'cnn',
    options: { channels: [3, 4], dense: [5], batchNorm: true, dropout: 0.5 },
    context: { inputShape: [8, 8, 1], numClasses: 3 },
    stochasticOrBatchStatistics: true,
    input: image([8, 8, 1]),
  },
  { label: 'plain cnn', kind: 'cnn', options: { channels: [3], dense: [] }, context: { inputShape: [6, 6], numClasses: 2 }, stochasticOrBatchStatistics: false, input: image([6, 6]) },
  {
    label: 'fitnet with batch norm and dropout',
    kind: 'fitnet',
    options: { stages: [[3, 3], [4]], batchNorm: true, dense: [5], dropout: 0.5 },
    context: { inputShape: [8, 8, 1], numClasses: 3 },
    stochasticOrBatchStatistics: true,
    input: image([8, 8, 1]),
  },
  { label: 'resnet8', kind: 'resnet', options: { depth: 8, widths: [2, 4, 4, 8] }, context: { inputShape: [8, 8, 3], numClasses: 4 }, stochasticOrBatchStatistics: true, input: image([8, 8, 3]) },
  {
    label: 'token transformer with dropout',
    kind: 'transformer',
    options: { vocabSize: 11, hidden: 8, heads: 2, layers: 2, feedForward: 12, dropout: 0.1 },
    context: { inputShape: [6], numClasses: 3 },
    stochasticOrBatchStatistics: true,
    input: tokenIds(6, 11),
  },
  {
    label: 'token transformer, padding masked (pad id 7), mean pooling over real tokens',
    kind: 'transformer',
    options: { vocabSize: 11, hidden: 8, heads: 2, layers: 1, feedForward: 12, pooling: 'mean', padId: 7 },
    context: { inputShape: [6], numClasses: 3 },
    stochasticOrBatchStatistics: false,
    input: tokenIds(6, 11),
  },
  {
    label: 'patch transformer, pre-norm, mean pooling',
    kind: 'transformer',
    options: { hidden: 8, heads: 2, layers: 1, feedForward: 12, norm: 'pre', pooling: 'mean' },
    context: { inputShape: [8, 8, 1], numClasses: 3 },
    stochasticOrBatchStatistics: false,
    input: image([8, 8, 1]),
  },
];

function build(zooCase: ZooCase, seed = 5): Model {
  const definition = studentModels.find((model) => model.id === zooCase.kind)!;
  return definition.build(definition.options.parse(zooCase.options) as never, { ...zooCase.context, seed });
}

function disposeOutput(output: { logits: tf.Tensor; features: Record<string, tf.Tensor> }): void {
  tf.dispose([output.logits, ...Object.values(output.features)]);
}

async function values(variables: tf.Variable[]): Promise<number[][]> {
  return Promise.all(variables.map(async (variable) => Array.from(await variable.data())));
}

describe.each(cases)('every family honours the Model contract: $label', (zooCase) => {
  beforeAll(useCpuBackend);

  it('knows its tap shapes without running, and they are the shapes forward answers', () => {
    const model = build(zooCase);
    const shapes = model.featureShapes();
    expect(Object.keys(shapes)).toEqual([...model.featureNames]);
    const x = zooCase.input(2);
    const output = model.forward(x, { training: false });
    expect(output.logits.shape).toEqual([2, zooCase.context.numClasses]);
    for (const name of model.featureNames) expect(output.features[name]!.shape).toEqual([2, ...shapes[name]!]);
    disposeOutput(output);
    x.dispose();
    model.dispose();
  });

  it('counts as parameters exactly the sizes of its trainable variables', () => {
    const model = build(zooCase);
    expect(model.paramCount()).toBe(model.trainableVariables().reduce((total, variable) => total + variable.size, 0));
    model.dispose();
  });

  it('builds identical weights, non-trainable ones included, from the same seed and other ones from another seed', async () => {
    const [first, again, other] = [build(zooCase, 5), build(zooCase, 5), build(zooCase, 6)];
    const firstValues = await values(first.allVariables());
    expect(await values(again.allVariables())).toEqual(firstValues);
    expect(await values(other.allVariables())).not.toEqual(firstValues);
    [first, again, other].forEach((model) => model.dispose());
  });

  it('saves to memory and loads back with identical logits and taps', async () => {
    const model = build(zooCase);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (saved) => ((artifacts = saved), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await loadKdlabModel(tf.io.fromMemory(artifacts!));
    expect(loaded.kind).toBe(zooCase.kind);
    expect(loaded.featureNames).toEqual(model.featureNames);
    expect(loaded.paramCount()).toBe(model.paramCount());
    const x = zooCase.input(3);
    const [expected, actual] = [model.forward(x, { training: false }), loaded.forward(x, { training: false })];
    expect(await actual.logits.data()).toEqual(await expected.logits.data());
    for (const name of model.featureNames) expect(await actual.features[name]!.data()).toEqual(await expected.features[name]!.data());
    [expected, actual].forEach(disposeOutput);
    x.dispose();
    loaded.dispose();
    model.dispose();
  });

  it(`${zooCase.stochasticOrBatchStatistics ? 'differs' : 'does not differ'} between training and inference, and inference is deterministic`, async () => {
    const model = build(zooCase);
    const x = zooCase.input(4);
    const inference = [model.forward(x, { training: false }), model.forward(x, { training: false })];
    expect(await inference[1]!.logits.data()).toEqual(await inference[0]!.logits.data());
    const training = model.forward(x, { training: true });
    const same = Array.from(await training.logits.data()).every((value, index) => value === inference[0]!.logits.dataSync()[index]);
    expect(same).toBe(!zooCase.stochasticOrBatchStatistics);
    [...inference, training].forEach(disposeOutput);
    x.dispose();
    model.dispose();
  });

  it('leaks no tensor in forward, training or not, and its gradients reach every trainable variable', () => {
    const model = build(zooCase);
    const x = zooCase.input(2);
    const before = tf.memory().numTensors;
    for (const training of [true, false, true]) {
      tf.tidy(() => {
        model.forward(x, { training });
      });
      expect(tf.memory().numTensors).toBe(before);
    }
    const output = model.forward(x, { training: false });
    expect(tf.memory().numTensors).toBe(before + 1 + model.featureNames.length);
    disposeOutput(output);
    const variables = model.trainableVariables();
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.mean(tf.square(model.forward(x, { training: true }).logits))), variables);
    for (const variable of variables) {
      const grad = grads[variable.name];
      expect(grad?.shape, variable.name).toEqual(variable.shape);
      expect(tf.tidy(() => tf.sum(tf.abs(grad!)).arraySync()), variable.name).toBeGreaterThan(0);
    }
    tf.dispose([value, x, ...Object.values(grads)]);
    model.dispose();
  });
});
