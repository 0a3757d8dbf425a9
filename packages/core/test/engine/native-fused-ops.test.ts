import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FUSED_KERNELS, hasFusedKernel, nativeOpsStatus, restoreNativeOps, unregisterNativeOps } from '@kdlab/core';
import { nativeBackendUnavailable } from '../../../../test/support/native-backend.js';

// kdlab's fused TensorFlow ops (@kdlab/native's ops/kdlab_ops.cc), registered on tfjs-node by `kdlab
// native build`: each against a double-precision reference and against the plain tfjs computation it
// replaces. Without the native backend or its fused ops these tests skip, saying why.
const nodeUnavailable = await nativeBackendUnavailable("kdlab's fused ops on tfjs-node");
const opsUnavailable = nodeUnavailable === undefined && (nativeOpsStatus()?.kernels.length ?? 0) === 0 ? `no fused ops: ${nativeOpsStatus()?.reason ?? 'unknown'}` : undefined;
if (opsUnavailable) console.log(`kdlab's fused ops on tfjs-node: skipped (${opsUnavailable})`);
const unavailable = nodeUnavailable ?? opsUnavailable;

afterAll(() => restoreNativeOps());

/** Deterministic values in [low, high) from an index, with a few exact zeros. */
function values(size: number, seed: number, low = -1, high = 1): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => (i % 97 === 0 ? 0 : low + ((((i * 7919 + seed * 104729) % 2003) + 0.5) / 2003) * (high - low)));
}

/** erf in double precision: its Maclaurin series below 3, a continued fraction for erfc above. */
function erf(z: number): number {
  const x = Math.abs(z);
  let result: number;
  if (x < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    result = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(x) = exp(-x²) / sqrt(π) * 1 / (x + 1/2 / (x + 1 / (x + 3/2 / (x + 2 / (x + ...)))))
    let fraction = x;
    for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction;
    result = 1 - Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
  }
  return z < 0 ? -result : result;
}

/** Runs `f` on tfjs-node without kdlab's fused kernels. */
function unfused<T>(f: () => T): T {
  unregisterNativeOps();
  try {
    return f();
  } finally {
    restoreNativeOps();
  }
}

describe.skipIf(unavailable !== undefined)("kdlab's fused gradient ops on tfjs-node", () => {
  it('registers all of them on the tensorflow backend', () => {
    expect(nativeOpsStatus()?.kernels.sort()).toEqual(Object.values(FUSED_KERNELS).sort());
    for (const name of Object.values(FUSED_KERNELS)) expect(hasFusedKernel(name)).toBe(true);
  });

  it("GELU's forward pass: tfjs-layers' gelu (TensorFlow's Div, Erf, Add and Mul kernels) to the bit, on a million values and an odd size", () => {
    for (const size of [1 << 20, 100_003]) {
      const x = tf.tensor(Float32Array.from({ length: size }, (_, i) => ((i * 2654435761) % 4294967296) / 4294967296 * 24 - 12 + (i % 5 === 0 ? 1e-30 : 0)));
      const fused = tf.engine().runKernel(FUSED_KERNELS.gelu, { x }) as tf.Tensor;
      const stock = unfused(() => tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2))))));
      const [a, b] = [fused.dataSync(), stock.dataSync()];
      let differing = 0;
      for (let i = 0; i < size; i++) if (!Object.is(a[i], b[i])) differing++;
      expect(differing).toBe(0);
      tf.dispose([x, fused, stock]);
    }
  });

  it("GELU's gradient: dy (Φ(x) + x φ(x)) within 5e-7 |dy| of double precision, from -12 to 12, and tensors freed", () => {
    const size = 4099;
    const x = values(size, 1, -12, 12);
    const dy = values(size, 2, -2, 2);
    const before = tf.memory().numTensors;
    const dx = tf.tidy(() => tf.engine().runKernel(FUSED_KERNELS.geluGrad, { dy: tf.tensor(dy), x: tf.tensor(x) }) as tf.Tensor);
    const got = dx.dataSync();
    dx.dispose();
    expect(tf.memory().numTensors).toBe(before);
    let worst = 0;
    for (let i = 0; i < size; i++) {
      const v = x[i]!;
      const reference = dy[i]! * (0.5 * (1 + erf(v / Math.SQRT2)) + (v * Math.exp(-v * v / 2)) / Math.sqrt(2 * Math.PI));
      worst = Math.max(worst, Math.abs(got[i]! - reference) / Math.max(Math.abs(dy[i]!), 1e-3));
    }
    expect(worst).toBeLessThan(5e-7);
  });

  it("layer norm's gradient: dx, dgamma, dbeta against double precision from the same saved tensors", () => {
    const [rows, features] = [37, 24];
    const input = tf.tensor(values(rows * features, 3, -3, 5), [rows, features]);
    const centered = tf.sub(input, tf.mean(input, -1, true));
    const variance = tf.mean(tf.square(centered), -1, true);
    const gamma = tf.tensor(values(features, 4, 0.5, 1.5));
    const dy = tf.tensor(values(rows * features, 5), [rows, features]);
    const epsilon = 1e-3;
    const [dx, dgamma, dbeta] = tf.engine().runKernel(FUSED_KERNELS.layerNormGrad, { dy, centered, variance, gamma }, { epsilon }) as tf.Tensor[];
    expect([dx!.shape, dgamma!.shape, dbeta!.shape]).toEqual([[rows, features], [features], [features]]);
    const c = centered.dataSync();
    const v = variance.dataSync();
    const g = gamma.dataSync();
    const d = dy.dataSync();
    const [gotDx, gotGamma, gotBeta] = [dx!.dataSync(), dgamma!.dataSync(), dbeta!.dataSync()];
    const refGamma = new Float64Array(features);
    const refBeta = new Float64Array(features);
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      const rstd = 1 / Math.sqrt(v[r]! + epsilon);
      let meanG = 0;
      let meanGx = 0;
      for (let j = 0; j < features; j++) {
        meanG += (d[r * features + j]! * g[j]!) / features;
        meanGx += (d[r * features + j]! * g[j]! * c[r * features + j]! * rstd) / features;
      }
      for (let j = 0; j < features; j++) {
        const i = r * features + j;
        const xhat = c[i]! * rstd;
        worst = Math.max(worst, Math.abs(gotDx[i]! - rstd * (d[i]! * g[j]! - meanG - xhat * meanGx)));
        refGamma[j] = refGamma[j]! + d[i]! * xhat;
        refBeta[j] = refBeta[j]! + d[i]!;
      }
    }
    expect(worst).toBeLessThan(2e-5);
    for (let j = 0; j < features; j++) {
      expect(gotGamma[j]).toBeCloseTo(refGamma[j]!, 4);
      expect(gotBeta[j]).toBeCloseTo(refBeta[j]!, 4);
    }
    tf.dispose([input, centered, variance, gamma, dy, dx!, dgamma!, dbeta!]);
  });

  it("softmax's gradient: y (dy - Σ dy y) over the last axis against double precision", () => {
    const shape = [3, 2, 5, 50];
    const size = shape.reduce((a, b) => a * b, 1);
    const y = tf.softmax(tf.tensor(values(size, 6, -4, 4), shape));
    const dy = tf.tensor(values(size, 7), shape);
    const dx = tf.engine().runKernel(FUSED_KERNELS.softmaxGrad, { dy, y }) as tf.Tensor;
    const [yy, dd, got] = [y.dataSync(), dy.dataSync(), dx.dataSync()];
    let worst = 0;
    for (let row = 0; row < size / 50; row++) {
      let dot = 0;
      for (let j = 0; j < 50; j++) dot += dd[row * 50 + j]! * yy[row * 50 + j]!;
      for (let j = 0; j < 50; j++) worst = Math.max(worst, Math.abs(got[row * 50 + j]! - yy[row * 50 + j]! * (dd[row * 50 + j]! - dot)));
    }
    expect(worst).toBeLessThan(1e-7);
    tf.dispose([y, dy, dx]);
  });

  it('agree with the plain tfjs gradients they replace (the unfused path of gelu, layerNorm and softmax)', () => {
    const x = tf.tensor(values(6 * 40, 8, -5, 5), [6, 40]);
    const dy = tf.tensor(values(6 * 40, 9), [6, 40]);
    const fusedGelu = tf.engine().runKernel(FUSED_KERNELS.geluGrad, { dy, x }) as tf.Tensor;
    const plainGelu = unfused(() => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.mul(input, tf.mul(0.5, tf.add(1, tf.erf(tf.div(input, Math.SQRT2))))), dy)))(x));
    expect(tf.max(tf.abs(tf.sub(fusedGelu, plainGelu))).dataSync()[0]).toBeLessThan(1e-6);
    const y = tf.softmax(x);
    const fusedSoftmax = tf.engine().runKernel(FUSED_KERNELS.softmaxGrad, { dy, y }) as tf.Tensor;
    const plainSoftmax = unfused(() => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.softmax(input), dy)))(x));
    expect(tf.max(tf.abs(tf.sub(fusedSoftmax, plainSoftmax))).dataSync()[0]).toBeLessThan(1e-7);
    tf.dispose([x, dy, fusedGelu, plainGelu, y, fusedSoftmax, plainSoftmax]);
  });

  it("an attention projection's head split: transpose(reshape(x + bias)) to the bit; its gradient the transpose back and the bias' sum", () => {
    const [batch, seq, heads, size] = [3, 5, 4, 6];
    const hidden = heads * size;
    const x = tf.tensor(values(batch * seq * hidden, 10, -3, 3), [1, batch * seq, hidden]);
    const bias = tf.tensor(values(hidden, 11));
    const fused = tf.engine().runKernel(FUSED_KERNELS.splitHeads, { x, bias }, { heads, seq }) as tf.Tensor;
    const stock = unfused(() => tf.transpose(tf.reshape(tf.add(x, bias), [batch, seq, heads, size]), [0, 2, 1, 3]));
    expect(fused.shape).toEqual([batch, heads, seq, size]);
    expect(Array.from(fused.dataSync())).toEqual(Array.from(stock.dataSync()));
    const dy = tf.tensor(values(batch * heads * seq * size, 12), [batch, heads, seq, size]);
    const [dx, dbias] = tf.engine().runKernel(FUSED_KERNELS.splitHeadsGrad, { dy }, { heads, seq }) as [tf.Tensor, tf.Tensor];
    expect(dx.shape).toEqual([batch * seq, hidden]);
    expect(Array.from(dx.dataSync())).toEqual(Array.from(tf.reshape(tf.transpose(dy, [0, 2, 1, 3]), [batch * seq, hidden]).dataSync()));
    const d = dy.dataSync();
    const got = dbias.dataSync();
    for (let j = 0; j < hidden; j++) {
      let sum = 0;
      for (let b = 0; b < batch; b++) for (let t = 0; t < seq; t++) sum += d[((b * heads + Math.floor(j / size)) * seq + t) * size + (j % size)]!;
      expect(got[j]).toBeCloseTo(sum, 5);
    }
    expect(() => tf.engine().runKernel(FUSED_KERNELS.splitHeads, { x, bias }, { heads: 5, seq })).toThrow(/KdlabSplitHeads: x must be/);
    tf.dispose([x, bias, fused, stock, dy, dx, dbias]);
  });

  it('reject mismatched shapes with the op and the reason', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 2]);
    expect(() => tf.engine().runKernel(FUSED_KERNELS.geluGrad, { dy: a, x: b })).toThrow(/KdlabGeluGrad: dy and x must have the same shape/);
    expect(() => tf.engine().runKernel(FUSED_KERNELS.layerNormGrad, { dy: a, centered: a, variance: tf.zeros([3, 1]), gamma: tf.zeros([3]) }, { epsilon: 1e-5 })).toThrow(/KdlabLayerNormGrad: variance must hold one value per row/);
    expect(() => tf.engine().runKernel(FUSED_KERNELS.softmaxGrad, { dy: a, y: b })).toThrow(/KdlabSoftmaxGrad: dy and y must have the same shape/);
    tf.dispose([a, b]);
  });
});
