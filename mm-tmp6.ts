import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { PrimitiveKernels } from './packages/wasm-kernels/src/wasm/primitive-kernels.js';
import { WasmOps } from './packages/wasm-kernels/src/wasm/wasm-ops.js';
await tf.setBackend('wasm'); await tf.ready();
const backend = tf.backend() as BackendWasm;
const primitives = PrimitiveKernels.capture();
const a = tf.randomNormal([512, 50, 16]); const b = tf.randomNormal([512, 16, 50]);
const ai = { dataId: a.dataId, shape: a.shape, dtype: a.dtype }; const bi = { dataId: b.dataId, shape: b.shape, dtype: b.dtype };
function run(label: string, body: (ops: WasmOps) => void) {
  for (let r = 0; r < 2; r++) { const ops = new WasmOps(primitives, backend); body(ops); ops.release([]); }
  const t = performance.now(); for (let r = 0; r < 10; r++) { const ops = new WasmOps(primitives, backend); body(ops); ops.release([]); }
  console.log(label.padEnd(40), ((performance.now() - t) / 10).toFixed(2), 'ms');
}
run('views only (2 per matrix)', (ops) => { for (let i = 0; i < 512; i++) { const l = ops.view(ai, i * 800, [50, 16]); const r = ops.view(bi, i * 800, [16, 50]); ops.dispose(l); ops.dispose(r); } });
run('views + matmul + dispose', (ops) => { for (let i = 0; i < 512; i++) { const l = ops.view(ai, i * 800, [50, 16]); const r = ops.view(bi, i * 800, [16, 50]); const p = ops.plainMatMul(l, r); ops.dispose(p); ops.dispose(l); ops.dispose(r); } });
const fixedR = tf.randomNormal([16, 50]); const fr = { dataId: fixedR.dataId, shape: fixedR.shape, dtype: fixedR.dtype };
run('views + matmul same right (cached op)', (ops) => { for (let i = 0; i < 512; i++) { const l = ops.view(ai, i * 800, [50, 16]); const p = ops.plainMatMul(l, fr); ops.dispose(p); ops.dispose(l); } });
run('block-diag G=4 (4x flops)', (ops) => {
  // left: [128, 4*50, 16] stacked per group; right: [128, 16, 4*50] side by side
  const left = ops.reshape(ai, [128, 200, 16]);
  const right = ops.reshape(ops.transpose(ops.reshape(bi, [128, 4, 16, 50]), [0, 2, 1, 3]), [128, 16, 200]);
  for (let g = 0; g < 128; g++) { const l = ops.view(left, g * 3200, [200, 16]); const r = ops.view(right, g * 3200, [16, 200]); const p = ops.plainMatMul(l, r); ops.dispose(p); ops.dispose(l); ops.dispose(r); }
});
