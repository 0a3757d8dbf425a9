import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { resnetModel, resnetOptions, resnetPresets, cnnModel, cnnOptions, fitnetModel, fitnetOptions } from './src/index.js';
await tf.setBackend('cpu');
for (const [name, preset] of Object.entries(resnetPresets)) {
  if (!['resnet8x4', 'resnet32x4', 'resnet20'].includes(name)) continue;
  const t = Date.now();
  const m = resnetModel.build(resnetOptions.parse(preset), { inputShape: [32, 32, 3], numClasses: 100, seed: 1 });
  console.log(name, m.paramCount(), Date.now() - t, 'ms', m.featureNames.join(','), JSON.stringify(m.featureShapes()));
  m.dispose();
}
const c = cnnModel.build(cnnOptions.parse({}), { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
console.log('cnn', c.paramCount(), JSON.stringify(c.featureShapes()));
const f = fitnetModel.build(fitnetOptions.parse({}), { inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
console.log('fitnet', f.paramCount(), JSON.stringify(f.featureShapes()));
const x = tf.randomNormal([2, 32, 32, 3]);
const out = f.forward(x, { training: true });
console.log(out.logits.shape);
