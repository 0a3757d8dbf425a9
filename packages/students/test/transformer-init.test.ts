import type { ModelBuildContext } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpModel, mlpOptions, transformerModel, transformerOptions, type LayersModelAdapter, type TransformerOptions } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

const text = { inputShape: [5], numClasses: 3 } as const;

function build(options: Partial<TransformerOptions>, seed: number, context: Partial<ModelBuildContext> = {}): LayersModelAdapter {
  return transformerModel.build(transformerOptions.parse({ vocabSize: 17, hidden: 8, heads: 2, feedForward: 12, ...options }), { ...text, ...context, seed }) as LayersModelAdapter;
}

/** Values of every weight of the layers whose name starts with `prefix`, keyed by the rest of the weight name. */
async function weightsOf(model: LayersModelAdapter, prefix: RegExp): Promise<Record<string, number[]>> {
  const found: Record<string, number[]> = {};
  for (const layer of model.layersModel.layers) {
    if (!prefix.test(layer.name)) continue;
    for (const weight of layer.weights) found[`${layer.name.replace(prefix, '')}/${weight.originalName.split('/').slice(1).join('/')}`] = Array.from(await weight.read().data());
  }
  return found;
}

const ids = () => tf.floor(tf.randomUniform([4, 5], 0, 17, 'float32', 8));

describe('transformer.initializeFrom(teacher, "every-other-layer") (DistilBERT)', () => {
  beforeAll(useCpuBackend);

  it('gives a half-depth student the teacher\'s embeddings, head and layers 0, 2, ... (0-based) exactly', async () => {
    const teacher = build({ layers: 4 }, 1);
    const student = build({ layers: 2 }, 2);
    expect(await weightsOf(student, /^layer2_/)).not.toEqual(await weightsOf(teacher, /^layer3_/));
    student.initializeFrom!(teacher, 'every-other-layer');
    for (const [studentLayer, teacherLayer] of [
      [1, 1],
      [2, 3],
    ]) {
      const copied = await weightsOf(student, new RegExp(`^layer${studentLayer}_`));
      expect(Object.keys(copied)).toHaveLength(8 + 4 + 4); // attention, two layer norms, feed-forward
      expect(copied).toEqual(await weightsOf(teacher, new RegExp(`^layer${teacherLayer}_`)));
    }
    const outside = student.layersModel.layers.filter((layer) => layer.weights.length > 0 && !layer.name.startsWith('layer')).map((layer) => layer.name);
    expect(outside.sort()).toEqual(['class_token', 'embedding_norm', 'logits', 'position_embedding', 'token_embedding']);
    for (const name of ['token_embedding', 'class_token', 'position_embedding', 'embedding_norm', 'logits']) {
      expect(await weightsOf(student, new RegExp(`^${name}$`)), name).toEqual(await weightsOf(teacher, new RegExp(`^${name}$`)));
    }
    teacher.dispose();
    student.dispose();
  });

  it('makes a student with all the teacher\'s layers answer the teacher\'s logits and taps', async () => {
    const teacher = build({ layers: 3, norm: 'pre', dropout: 0.1 }, 3);
    const student = build({ layers: 3, norm: 'pre', dropout: 0.1 }, 4);
    const x = ids();
    const before = student.forward(x, { training: false });
    const expected = teacher.forward(x, { training: false });
    expect(await before.logits.data()).not.toEqual(await expected.logits.data());
    student.initializeFrom!(teacher, 'every-other-layer');
    const after = student.forward(x, { training: false });
    expect(await after.logits.data()).toEqual(await expected.logits.data());
    expect(await after.features['layer2.attn']!.data()).toEqual(await expected.features['layer2.attn']!.data());
    for (const output of [before, expected, after]) tf.dispose([output.logits, ...Object.values(output.features)]);
    x.dispose();
    teacher.dispose();
    student.dispose();
  });

  it('takes layers 0, 2 and 4 of a five-layer teacher into a three-layer student', async () => {
    const teacher = build({ layers: 5, hidden: 4, feedForward: 4 }, 5);
    const student = build({ layers: 3, hidden: 4, feedForward: 4 }, 6);
    student.initializeFrom!(teacher, 'every-other-layer');
    expect(await weightsOf(student, /^layer3_/)).toEqual(await weightsOf(teacher, /^layer5_/));
    teacher.dispose();
    student.dispose();
  });

  it('the copied weights belong to the student: training it leaves the teacher unchanged', async () => {
    const teacher = build({ layers: 2 }, 7);
    const student = build({ layers: 1 }, 8);
    student.initializeFrom!(teacher, 'every-other-layer');
    const teacherValues = await weightsOf(teacher, /^layer1_/);
    const x = ids();
    const optimizer = tf.train.sgd(0.5);
    optimizer.minimize(() => tf.mean(tf.square(student.forward(x, { training: true }).logits)), false, student.trainableVariables());
    expect(await weightsOf(student, /^layer1_/)).not.toEqual(teacherValues);
    expect(await weightsOf(teacher, /^layer1_/)).toEqual(teacherValues);
    optimizer.dispose();
    x.dispose();
    student.dispose();
    expect(await weightsOf(teacher, /^layer1_/)).toEqual(teacherValues);
    teacher.dispose();
  });

  it('names both architectures when they do not fit, and copies nothing then', async () => {
    const teacher = build({ layers: 4 }, 9);
    const wider = build({ layers: 2, hidden: 12, heads: 2 }, 10);
    expect(() => wider.initializeFrom!(teacher, 'every-other-layer')).toThrow(
      /cannot initialise transformer\(layers 2, hidden 12, heads 2, feedForward 12, tokens 6, norm post\) from the teacher transformer\(layers 4, hidden 8, heads 2, feedForward 12, tokens 6, norm post\): weight "token_embedding\/embeddings" is \[17, 8\], the student's .* is \[17, 12\]/,
    );
    const threeLayers = build({ layers: 3 }, 11);
    expect(() => threeLayers.initializeFrom!(teacher, 'every-other-layer')).toThrow(/needs a student with 2 layers \(every other of the teacher's 4\) or 4 \(a plain copy\), the student has 3/);
    const otherClasses = build({ layers: 2 }, 12, { numClasses: 5 });
    const untouched = await weightsOf(otherClasses, /^layer1_/);
    expect(() => otherClasses.initializeFrom!(teacher, 'every-other-layer')).toThrow(/weight "logits\/kernel" is \[8, 3\], the student's .* is \[8, 5\]/);
    expect(await weightsOf(otherClasses, /^layer1_/)).toEqual(untouched);
    const preNorm = build({ layers: 2, norm: 'pre' }, 13);
    expect(() => preNorm.initializeFrom!(teacher, 'every-other-layer')).toThrow(/norm pre\) from the teacher .*norm post\).*the teacher has no layer "final_norm"/);
    const mlpTeacher = mlpModel.build(mlpOptions.parse({ hidden: [4] }), { ...text, seed: 0 });
    expect(() => threeLayers.initializeFrom!(mlpTeacher, 'every-other-layer')).toThrow(/from the teacher mlp \(39 parameters\): the teacher is not a transformer/);
    expect(() => threeLayers.initializeFrom!(teacher, 'every-layer' as never)).toThrow(/unknown strategy "every-layer"/);
    for (const model of [teacher, wider, threeLayers, otherClasses, preNorm, mlpTeacher]) model.dispose();
  });

  it('is offered by the transformer family only', () => {
    const model = mlpModel.build(mlpOptions.parse({ hidden: [4] }), { ...text, seed: 0 });
    expect(model.initializeFrom).toBeUndefined();
    model.dispose();
  });
});
