// Study 8 of the results page (docs/results.md), the compression table on MNIST: the trained teacher of study 6 pruned to 90% and fine-tuned (its weights copied into a student of its architecture);
// every model saved quantized to uint8 and float16 and measured after loading back. 3 seeds.
//   npm run repro -- compression
import { defineExperiment } from '@kdlab/core';
import { REPRO_DATA } from './shared-setting.js';
import { COMPRESSION_TEACHER_PRUNED, FITNETS_EVALUATE, FITNETS_TEACHER } from './fitnets-setting.js';

export default defineExperiment({
  name: 'compression-mnist',
  description: 'Compression table, MNIST: the trained teacher of study 6 pruned to 90% and fine-tuned (its weights copied into a student of its architecture), 3 seeds.',
  data: REPRO_DATA,
  teacher: FITNETS_TEACHER,
  ...COMPRESSION_TEACHER_PRUNED,
  evaluate: FITNETS_EVALUATE,
  seeds: [0, 1, 2],
});
