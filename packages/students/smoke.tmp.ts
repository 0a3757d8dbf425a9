import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { transformerModel, transformerOptions, loadKdlabModel } from './src/index.js';
await tf.setBackend('cpu');
const t = transformerModel.build(transformerOptions.parse({ vocabSize: 50, hidden: 16, heads: 2, layers: 2 }), { inputShape: [7], numClasses: 3, seed: 1 });
console.log(t.paramCount(), JSON.stringify(t.featureShapes()));
const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7], [0, 0, 1, 1, 2, 2, 49]]);
const out = t.forward(x, { training: true });
console.log(out.logits.arraySync());
const img = transformerModel.build(transformerOptions.parse({ hidden: 16, heads: 4, layers: 1, norm: 'pre', pooling: 'mean', dropout: 0.1 }), { inputShape: [8, 8, 1], numClasses: 3, seed: 1 });
console.log(img.paramCount(), JSON.stringify(img.featureShapes()));
let saved: tf.io.ModelArtifacts | undefined;
await img.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
const loaded = await loadKdlabModel(tf.io.fromMemory(saved!));
const xi = tf.randomNormal([2, 8, 8, 1]);
console.log(img.forward(xi, { training: false }).logits.arraySync(), loaded.forward(xi, { training: false }).logits.arraySync());
const s = transformerModel.build(transformerOptions.parse({ vocabSize: 50, hidden: 16, heads: 2, layers: 1 }), { inputShape: [7], numClasses: 3, seed: 2 });
s.initializeFrom!(t, 'every-other-layer');
try { img.initializeFrom!(t, 'every-other-layer'); } catch (e) { console.log((e as Error).message); }
