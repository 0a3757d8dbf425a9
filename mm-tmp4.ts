import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@kdlab/core';
import { buildKdlabStep } from './bench/steps/kdlab-workloads.js';
await selectBackend('wasm');
const names = (process.argv[2] ?? 'BatchMatMul').split(',');
const stats = new Map<string, { ms: number; n: number }>();
let on = false;
for (const name of names) {
  const config = tf.getKernel(name, 'wasm')!;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: (args) => {
    const t = performance.now(); const r = config.kernelFunc(args); const ms = performance.now() - t;
    if (on) { const k = `${name} ${Object.values(args.inputs).map((x) => `[${x?.shape}]`).join('x')} ${JSON.stringify(Object.fromEntries(Object.entries(args.attrs ?? {}).filter(([, v]) => typeof v !== 'object' || Array.isArray(v))))}`; const s = stats.get(k) ?? { ms: 0, n: 0 }; s.ms += ms; s.n++; stats.set(k, s); }
    return r; } });
}
const w = buildKdlabStep((process.argv[3] ?? 'transformer') as 'transformer');
w.step(); w.step(); on = true; w.step(); w.step(); on = false;
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log((s.ms / 2).toFixed(2).padStart(8), String(s.n / 2).padStart(4), k);
