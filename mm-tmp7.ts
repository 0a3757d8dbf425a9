import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@kdlab/core';
import { buildKdlabStep } from './bench/steps/kdlab-workloads.js';
await selectBackend('wasm');
const w = buildKdlabStep('transformer');
for (let i = 0; i < 6; i++) { w.step(); const m = tf.memory() as tf.MemoryInfo & { numBytesInWASM?: number }; const heap = ((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20).toFixed(0); console.log(i, m.numTensors, (m.numBytes / 2 ** 20).toFixed(1), 'MiB live;', heap, 'MiB wasm heap; rss', (process.memoryUsage().rss / 2 ** 20).toFixed(0)); }
const p = await tf.profile(() => w.step()); console.log('peak bytes in step', (p.peakBytes / 2 ** 20).toFixed(0), 'MiB, new', (p.newBytes/2**20).toFixed(1));
