import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayersModelAdapter, loadKdlabModel, loadModel, mlpModel, mlpOptions } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

const context = { inputShape: [28, 28, 1], numClasses: 10, seed: 11 } as const;

function buildMlp(options: Record<string, unknown> = { hidden: [32, 16] }): LayersModelAdapter {
  return mlpModel.build(mlpOptions.parse(options), context) as LayersModelAdapter;
}

/** Saves a model into memory and returns the artifacts tfjs wrote. */
async function saveToMemory(model: LayersModelAdapter): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/**
 * A two-branch functional model: branch "a" (dense a1 -> tap a2) and branch "b" (dense b1, a tap),
 * concatenated into the logits. A tap of one branch must not pull in the other's variables.
 */
function twoBranchModel(): LayersModelAdapter {
  const input = tfl.input({ shape: [4] });
  const a1 = tfl.layers.dense({ units: 5, name: 'a1' }).apply(input) as tfl.SymbolicTensor;
  const a2 = tfl.layers.dense({ units: 3, name: 'a2' }).apply(a1) as tfl.SymbolicTensor;
  const b1 = tfl.layers.dense({ units: 2, name: 'b1', useBias: false }).apply(input) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate().apply([a2, b1]) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: 2, name: 'head' }).apply(joined) as tfl.SymbolicTensor;
  return new LayersModelAdapter({ kind: 'branches', model: tfl.model({ inputs: input, outputs: [logits, a2, b1] }) });
}

function weightNames(variables: tf.Variable[]): string[] {
  return variables.map((variable) => variable.name.replace(/_\d+$/, ''));
}

describe('LayersModelAdapter', () => {
  beforeAll(useCpuBackend);

  it('exposes the tf.Variables behind the layer weights, in layer order', () => {
    const model = buildMlp();
    const variables = model.trainableVariables();
    expect(variables.every((variable) => variable instanceof tf.Variable)).toBe(true);
    expect(variables.map((variable) => variable.shape)).toEqual([[784, 32], [32], [32, 16], [16], [16, 10], [10]]);
    expect(model.allVariables()).toEqual(variables);
    model.dispose();
  });

  it('its trainable variables get gradients through a training forward pass, dropout included', () => {
    const model = buildMlp({ hidden: [16], dropout: 0.5 });
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 12);
    const variables = model.trainableVariables();
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.mean(tf.square(model.forward(x, { training: true }).logits))), variables);
    expect(Object.keys(grads).sort()).toEqual(variables.map((variable) => variable.name).sort());
    for (const variable of variables) expect(grads[variable.name]!.shape).toEqual(variable.shape);
    expect(tf.tidy(() => tf.sum(tf.abs(grads[variables[0]!.name]!)).arraySync())).toBeGreaterThan(0);
    tf.dispose([value, x, ...Object.values(grads)]);
    model.dispose();
  });

  it('variablesUpTo("hidden1") is exactly the first dense layer\'s kernel and bias', () => {
    const model = buildMlp({ hidden: [32, 16], dropout: 0.5, inputDropout: 0.2 });
    const [kernel1, bias1, kernel2, bias2] = model.trainableVariables();
    expect(model.variablesUpTo('hidden1')).toEqual([kernel1, bias1]);
    expect(model.variablesUpTo('hidden2')).toEqual([kernel1, bias1, kernel2, bias2]);
    expect(() => model.variablesUpTo('hidden3')).toThrow(/"hidden3".*hidden1, hidden2/);
    model.dispose();
  });

  it('variablesUpTo follows the graph, not the layer order', () => {
    const model = twoBranchModel();
    expect(model.featureNames).toEqual(['a2', 'b1']);
    expect(weightNames(model.variablesUpTo('a2'))).toEqual(['a1/kernel', 'a1/bias', 'a2/kernel', 'a2/bias']);
    expect(weightNames(model.variablesUpTo('b1'))).toEqual(['b1/kernel']);
    expect(model.featureShapes()).toEqual({ a2: [3], b1: [2] });
    expect(model.paramCount()).toBe(4 * 5 + 5 + 5 * 3 + 3 + 4 * 2 + 5 * 2 + 2);
    model.dispose();
  });

  it('leaves frozen layers out of the trainable variables but not out of allVariables', () => {
    const model = twoBranchModel();
    model.layersModel.getLayer('a1').trainable = false;
    expect(weightNames(model.trainableVariables())).not.toContain('a1/kernel');
    expect(weightNames(model.variablesUpTo('a2'))).toEqual(['a2/kernel', 'a2/bias']);
    expect(weightNames(model.allVariables())).toContain('a1/kernel');
    model.dispose();
  });

  it('rejects models that do not have the [logits, ...taps] form, and mismatched tap names', () => {
    const input = tfl.input({ shape: [3] });
    const hidden = tfl.layers.dense({ units: 4 }).apply(input) as tfl.SymbolicTensor;
    const other = tfl.layers.dense({ units: 4 }).apply(input) as tfl.SymbolicTensor;
    const logits = tfl.layers.dense({ units: 2 }).apply(hidden) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: [logits, hidden, other] });
    expect(() => new LayersModelAdapter({ kind: 'x', model, featureNames: ['a'] })).toThrow(/1 feature name\(s\) \[a\] given for 2 tap/);
    expect(() => new LayersModelAdapter({ kind: 'x', model, featureNames: ['t', 't'] })).toThrow(/"t" is used twice/);
    const rank3 = tfl.layers.reshape({ targetShape: [2, 2] }).apply(hidden) as tfl.SymbolicTensor;
    const rank3Model = tfl.model({ inputs: input, outputs: rank3 });
    expect(() => new LayersModelAdapter({ kind: 'x', model: rank3Model })).toThrow(/must be the logits.*\[null, 2, 2\]/);
    model.dispose();
  });

  it('checks the input shape of forward and names both shapes', () => {
    const model = buildMlp();
    const x = tf.zeros([2, 784]);
    expect(() => model.forward(x, { training: false })).toThrow(/\[batch, 28, 28, 1\].*\[2, 784\]/);
    x.dispose();
    model.dispose();
  });

  it('leaks no tensor across repeated forward calls inside tf.tidy, training or not', () => {
    const model = buildMlp({ hidden: [32, 16], dropout: 0.5, inputDropout: 0.2 });
    const x = tf.randomNormal([8, 28, 28, 1], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 5; step += 1) {
      tf.tidy(() => {
        model.forward(x, { training: step % 2 === 0 });
      });
      expect(tf.memory().numTensors).toBe(before);
    }
    const output = model.forward(x, { training: false });
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose([output.logits, ...Object.values(output.features)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('frees every variable on dispose and refuses to run afterwards', () => {
    const before = tf.memory().numTensors;
    const model = buildMlp();
    expect(tf.memory().numTensors).toBe(before + 6);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    const x = tf.zeros([1, 28, 28, 1]);
    expect(() => model.forward(x, { training: false })).toThrow(/mlp\.forward: the model was disposed/);
    x.dispose();
  });

  it('saves to memory in the layers format and loads back with identical logits, dropout layers included', async () => {
    const model = buildMlp({ hidden: [32, 16], dropout: 0.5, inputDropout: 0.2 });
    const artifacts = await saveToMemory(model);
    expect(artifacts.format).toBe('layers-model');
    expect(JSON.stringify(artifacts.modelTopology)).toContain('"class_name":"SeededDropout"');
    expect(artifacts.userDefinedMetadata).toEqual({ kdlab: { formatVersion: 1, kind: 'mlp', featureNames: ['hidden1', 'hidden2'] } });

    const loaded = await loadModel(tf.io.fromMemory(artifacts));
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 9);
    const [reloadedLogits] = loaded.predict(x) as tf.Tensor[];
    const original = model.forward(x, { training: false });
    expect(await reloadedLogits!.data()).toEqual(await original.logits.data());
    tf.dispose([x, reloadedLogits, original.logits, ...Object.values(original.features)]);
    loaded.dispose();
    model.dispose();
  });

  it('loads a saved model back as a kdlab model with its kind, taps and trainable variables', async () => {
    const model = buildMlp({ hidden: [12], dropout: 0.5 });
    const loaded = await loadKdlabModel(tf.io.fromMemory(await saveToMemory(model)));
    expect(loaded.kind).toBe('mlp');
    expect(loaded.featureNames).toEqual(['hidden1']);
    expect(loaded.inputShape).toEqual([28, 28, 1]);
    expect(loaded.numClasses).toBe(10);
    expect(loaded.paramCount()).toBe(model.paramCount());
    expect(loaded.variablesUpTo('hidden1').map((variable) => variable.shape)).toEqual([[784, 12], [12]]);
    const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 10);
    const a = loaded.forward(x, { training: false });
    const b = model.forward(x, { training: false });
    expect(await a.features['hidden1']!.data()).toEqual(await b.features['hidden1']!.data());
    tf.dispose([x, a.logits, b.logits, ...Object.values(a.features), ...Object.values(b.features)]);
    loaded.dispose();
    model.dispose();
  });

  it('wraps a model saved without kdlab metadata under kind "layers", taps named after their layers', async () => {
    const plain = twoBranchModel();
    let saved: tf.io.ModelArtifacts | undefined;
    await plain.layersModel.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await loadKdlabModel(tf.io.fromMemory(saved!));
    expect(loaded.kind).toBe('layers');
    expect(loaded.featureNames).toEqual(['a2', 'b1']);
    loaded.dispose();
    plain.dispose();
  });
});
