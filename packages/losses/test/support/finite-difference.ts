import * as tf from '@tensorflow/tfjs-core';

/** Settings of {@link checkGradient}. */
export interface GradientCheckOptions {
  /** Step `h` of the central difference `(f(x + h·e_i) − f(x − h·e_i)) / 2h`. Default 1e-2. */
  step?: number;
  /** Absolute tolerance on each gradient entry. Default 1e-4. */
  absoluteTolerance?: number;
  /** Tolerance relative to the larger of the two gradient entries' magnitudes. Default 2e-3. */
  relativeTolerance?: number;
}

/** The outcome of {@link checkGradient}: both gradients, entry by entry, and the worst disagreement. */
export interface GradientCheckResult {
  /** Whether every entry agrees within `absoluteTolerance + relativeTolerance · max(|analytic|, |numeric|)`. */
  passed: boolean;
  /** The gradient from `tf.grad`, flattened. */
  analytic: Float64Array;
  /** The central-difference gradient, flattened, computed in float64. */
  numeric: Float64Array;
  /** Flat index of the entry that most exceeds (or comes closest to) its tolerance. */
  worstIndex: number;
  /** `|analytic − numeric|` at `worstIndex`. */
  worstError: number;
  /** The allowed error at `worstIndex`. */
  worstAllowed: number;
  /** A one-line summary naming the worst entry, for assertion messages. */
  summary: string;
}

/**
 * Checks the gradient that `tf.grad` computes for a scalar function against central finite
 * differences. The function is evaluated by TensorFlow.js (float32 on the cpu backend); the
 * perturbations, differences and quotients are done in float64 in JavaScript, and the step is the
 * one actually taken after rounding the perturbed inputs to float32 (`Math.fround`).
 *
 * @param f - the scalar function of one tensor, e.g. a loss of the student logits with everything else fixed.
 * @param x - the point at which to check; not modified, not disposed.
 * @param options - step and tolerances.
 * @returns both gradients and whether they agree.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  options: GradientCheckOptions = {},
): GradientCheckResult {
  if (x.dtype !== 'float32') {
    throw new Error(`checkGradient: x must be float32, got ${x.dtype}.`);
  }

  const gradient = tf.tidy(() => tf.grad(f)(x));
  const analytic = Float64Array.from(gradient.dataSync());
  gradient.dispose();
  const evaluate = (values: Float64Array): number => {
    return tf.tidy(() => {
      const point = tf.tensor(Float32Array.from(values), x.shape, 'float32');
      return f(point).dataSync()[0] ?? Number.NaN;
    });
  };
  return compareWithDifferences(analytic, Float64Array.from(x.dataSync()), x.shape, evaluate, options);
}

/**
 * Checks the gradient that `tf.variableGrads` computes for a scalar function of a variable (a loss's
 * own weights, say) against central finite differences, as {@link checkGradient} does for a tensor
 * argument. The variable is perturbed in place with `assign` and restored afterwards.
 *
 * @param f - the scalar function, reading `variable`.
 * @param variable - the float32 variable to differentiate against.
 * @param options - step and tolerances.
 */
export function checkVariableGradient(f: () => tf.Scalar, variable: tf.Variable, options: GradientCheckOptions = {}): GradientCheckResult {
  if (variable.dtype !== 'float32') {
    throw new Error(`checkVariableGradient: the variable must be float32, got ${variable.dtype}.`);
  }
  const { value, grads } = tf.variableGrads(f, [variable]);
  const gradient = grads[variable.name];
  if (gradient === undefined) throw new Error(`checkVariableGradient: no gradient reached variable ${variable.name}.`);
  const analytic = Float64Array.from(gradient.dataSync());
  tf.dispose([value, gradient]);
  const original = variable.clone();
  const evaluate = (values: Float64Array): number => {
    const point = tf.tensor(Float32Array.from(values), variable.shape, 'float32');
    variable.assign(point);
    point.dispose();
    return tf.tidy(() => f().dataSync()[0] ?? Number.NaN);
  };
  try {
    return compareWithDifferences(analytic, Float64Array.from(original.dataSync()), variable.shape, evaluate, options);
  } finally {
    variable.assign(original);
    original.dispose();
  }
}

/** Central differences of `evaluate` around `base`, compared entry by entry with `analytic`. */
function compareWithDifferences(
  analytic: Float64Array,
  base: Float64Array,
  shape: readonly number[],
  evaluate: (values: Float64Array) => number,
  options: GradientCheckOptions,
): GradientCheckResult {
  const step = options.step ?? 1e-2;
  const absoluteTolerance = options.absoluteTolerance ?? 1e-4;
  const relativeTolerance = options.relativeTolerance ?? 2e-3;
  const numeric = new Float64Array(base.length);
  const perturbed = Float64Array.from(base);
  for (let index = 0; index < base.length; index += 1) {
    const centre = base[index] ?? 0;
    const above = Math.fround(centre + step);
    const below = Math.fround(centre - step);
    perturbed[index] = above;
    const valueAbove = evaluate(perturbed);
    perturbed[index] = below;
    const valueBelow = evaluate(perturbed);
    perturbed[index] = centre;
    numeric[index] = (valueAbove - valueBelow) / (above - below);
  }

  let worstIndex = 0;
  let worstRatio = Number.NEGATIVE_INFINITY;
  let passed = true;
  for (let index = 0; index < base.length; index += 1) {
    const a = analytic[index] ?? Number.NaN;
    const n = numeric[index] ?? Number.NaN;
    const error = Math.abs(a - n);
    const allowed = absoluteTolerance + relativeTolerance * Math.max(Math.abs(a), Math.abs(n));
    const ratio = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error / allowed;
    if (!(error <= allowed)) passed = false;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstIndex = index;
    }
  }
  const worstAnalytic = analytic[worstIndex] ?? Number.NaN;
  const worstNumeric = numeric[worstIndex] ?? Number.NaN;
  const worstError = Math.abs(worstAnalytic - worstNumeric);
  const worstAllowed = absoluteTolerance + relativeTolerance * Math.max(Math.abs(worstAnalytic), Math.abs(worstNumeric));
  const summary =
    `gradient check ${passed ? 'passed' : 'FAILED'} on shape [${shape.join(',')}]: worst entry ${worstIndex}, ` +
    `analytic ${worstAnalytic.toPrecision(6)} vs numeric ${worstNumeric.toPrecision(6)} ` +
    `(error ${worstError.toExponential(2)}, allowed ${worstAllowed.toExponential(2)}).`;
  return { passed, analytic, numeric, worstIndex, worstError, worstAllowed, summary };
}
