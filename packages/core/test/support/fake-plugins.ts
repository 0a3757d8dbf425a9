import { z } from 'zod';
import { defineDataset } from '../../src/data/define-dataset.js';
import { defineLoss } from '../../src/loss/define-loss.js';
import { defineModel } from '../../src/model/define-model.js';

const notUsed = (): never => {
  throw new Error('not used in this test');
};

/** A loss plugin with one defaulted option, for schema tests (never computed). */
export const fakeCe = defineLoss({
  id: 'ce',
  description: 'test ce',
  options: z.object({ labelSmoothing: z.number().min(0).lt(1).default(0) }),
  needs: () => ({ teacherLogits: false, studentFeatures: [], teacherFeatures: [] }),
  create: notUsed,
});

/** A soft-target loss plugin for schema tests (never computed). */
export const fakeHinton = defineLoss({
  id: 'hinton',
  description: 'test hinton',
  options: z.object({ temperature: z.number().positive().default(4) }),
  needs: () => ({ teacherLogits: true, studentFeatures: [], teacherFeatures: [] }),
  create: notUsed,
});

/** A model plugin for schema tests (never built). */
export const fakeMlp = defineModel({
  id: 'mlp',
  description: 'test mlp',
  options: z.object({ hidden: z.array(z.number().int().positive()).default([8]), dropout: z.number().min(0).lt(1).default(0) }),
  build: notUsed,
});

/** A dataset plugin for schema tests (never loaded). */
export const fakeDigits = defineDataset({ id: 'mnist-10k', description: 'test data', load: notUsed });
