// student.init { fromTeacher: 'copy' }: core's copyWeights on the zoo's models (a CNN with batch norm, whose
// moving statistics are variables too), against the models' own forward passes.
import { copyWeights, type ModelBuildContext } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnModel, cnnOptions, mlpModel, mlpOptions } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

const mnist: ModelBuildContext = { inputShape: [28, 28, 1], numClasses: 10, seed: 0 };
const buildCnn = (seed: number, channels = [4, 8]) => cnnModel.build(cnnOptions.parse({ channels, dense: [16], batchNorm: true }), { ...mnist, seed });

describe('copyWeights (student.init copy)', () => {
  beforeAll(useCpuBackend);

  it('gives the student every variable of the teacher, batch-norm statistics included, so both answer alike', () => {
    const teacher = buildCnn(1);
    // the teacher's batch-norm statistics moved away from their initial values, as a trained teacher's have
    for (const variable of teacher.allVariables().filter((v) => /moving/.test(v.name))) variable.assign(tf.randomUniform(variable.shape, 0.5, 1.5, 'float32', 3));
    const student = buildCnn(2);
    const x = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 7);
    const gap = (): number => tf.tidy(() => tf.max(tf.abs(tf.sub(teacher.forward(x, { training: false }).logits, student.forward(x, { training: false }).logits))).dataSync()[0]!);
    const before = gap();
    expect(before).toBeGreaterThan(1e-3);
    copyWeights(teacher, student);
    teacher.allVariables().forEach((variable, i) => expect(Array.from(student.allVariables()[i]!.dataSync())).toEqual(Array.from(variable.dataSync())));
    expect(gap()).toBe(0);
    teacher.dispose();
    student.dispose();
    x.dispose();
  });

  it('copies values, not variables: changing the student leaves the teacher as it was', () => {
    const teacher = buildCnn(1);
    const student = buildCnn(2);
    copyWeights(teacher, student);
    const kept = teacher.trainableVariables().map((variable) => Array.from(variable.dataSync()));
    for (const variable of student.trainableVariables()) variable.assign(tf.tidy(() => tf.add(variable, 1)));
    teacher.trainableVariables().forEach((variable, i) => expect(Array.from(variable.dataSync())).toEqual(kept[i]));
    teacher.dispose();
    student.dispose();
  });

  it('refuses another architecture, naming the variable and both shapes, or both families', () => {
    const teacher = buildCnn(1, [4, 8]);
    const wider = buildCnn(1, [4, 12]);
    expect(() => copyWeights(teacher, wider)).toThrow(/variable \d+ is \[3,3,4,8\] float32 in the teacher .* but \[3,3,4,12\] float32 in the student/);
    const other = mlpModel.build(mlpOptions.parse({ hidden: [16] }), mnist);
    expect(() => copyWeights(teacher, other)).toThrow(/the teacher is a cnn \(\d+ variables, [\d,]+ trainable parameters\), the student a mlp/);
    for (const model of [teacher, wider, other]) model.dispose();
  });
});
