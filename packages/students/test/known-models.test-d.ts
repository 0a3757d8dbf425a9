// Type tests, checked by `tsc -p tsconfig.spec.json`: raw model specs of the students' families are
// type-checked in experiment files once @kdlab/students is imported.
import { defineExperiment, type ModelSpecInput } from '@kdlab/core';
import { ce } from '@kdlab/losses';
import { resnet, resnetPresets, transformer } from '@kdlab/students';

const losses = [ce()];

defineExperiment({ name: 'raw', teacher: { model: { kind: 'resnet', depth: 32, widths: [32, 64, 128, 256] } }, student: { model: { kind: 'cnn', channels: [8] } }, losses });
defineExperiment({ name: 'raw', teacher: { model: { kind: 'transformer', vocabSize: 100, layers: 4 } }, student: { model: { kind: 'fitnet', depth: 11 } }, losses });
defineExperiment({ name: 'helpers', teacher: { model: resnet(resnetPresets.resnet32x4) }, student: { model: transformer({ layers: 2, pooling: 'mean' }) }, losses });

// @ts-expect-error a misspelt option of a known model is a compile error in a model spec
export const misspelt: ModelSpecInput = { kind: 'cnn', chanels: [8] };
// @ts-expect-error an unknown model id is a compile error
export const unknown: ModelSpecInput = { kind: 'vgg' };
// @ts-expect-error a wrongly typed option is a compile error
defineExperiment({ name: 'bad', teacher: { model: { kind: 'resnet', depth: '32' } }, student: { model: { kind: 'cnn' } }, losses });
// @ts-expect-error an option outside its enum is a compile error
defineExperiment({ name: 'bad', teacher: { model: transformer({ pooling: 'max' }) }, student: { model: { kind: 'cnn' } }, losses });
