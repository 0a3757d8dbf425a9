// Study 8 of the results page (docs/results.md), the compression table on MNIST: the KD student of study 6, then pruned to 75% while distilling 5 more epochs;
// every model saved quantized to uint8 and float16 and measured after loading back. 3 seeds.
//   npm run repro -- compression
import { defineExperiment } from '@kdlab/core';
import { REPRO_DATA } from './shared-setting.js';
import { COMPRESSION_STUDENT_PRUNED, FITNETS_EVALUATE, FITNETS_TEACHER } from './fitnets-setting.js';

export default defineExperiment({
  name: 'compression-mnist',
  description: 'Compression table, MNIST: the KD student of study 6, then pruned to 75% while distilling 5 more epochs, 3 seeds.',
  data: REPRO_DATA,
  teacher: FITNETS_TEACHER,
  ...COMPRESSION_STUDENT_PRUNED,
  evaluate: FITNETS_EVALUATE,
  seeds: [0, 1, 2],
});
