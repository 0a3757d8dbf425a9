import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL_NAME, HostAdamState, type AdamStepScalars, type HostAdamSlot } from '@kdlab/wasm-kernels';
import { TensorflowResourceAdam, type ResourceAdamSlot } from './tensorflow-resource-adam.js';

/** A tensor with a name, as optimizers save their weights (tfjs-core does not export the type). */
type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];

/** The settings of {@link FusedAdamOptimizer}, as tfjs' `tf.train.adam` takes them. */
export interface FusedAdamSettings {
  /** Step size. */
  learningRate: number;
  /** Decay of the first moment. */
  beta1: number;
  /** Decay of the second moment. */
  beta2: number;
  /** Added to the root of the second moment; the backend's epsilon when left out (as tfjs does). */
  epsilon?: number;
}

/**
 * How the optimizer updates on the backend it found at its first step:
 * - `kernel`: moments are tensors, one fused kernel per variable (wasm, kdlab's `KdlabAdamUpdate`);
 * - `native`: value and moments in TensorFlow resource variables, TensorFlow's `ResourceApplyAdam`
 *   (tfjs-node; see {@link TensorflowResourceAdam});
 * - `host`: value and moments in a private WebAssembly memory, updated in place (`cpu`, and tfjs-node
 *   without the calls `native` needs);
 * - `ops`: moments are tensors, tfjs' element-wise ops (any other backend, such as webgl).
 */
export type FusedAdamPath = 'kernel' | 'native' | 'host' | 'ops';

/** Backends whose tensors live in host memory, where {@link FusedAdamPath} `host` pays. */
const HOST_BACKENDS = new Set(['cpu', 'tensorflow']);

interface TensorMoments {
  readonly first: tf.Variable;
  readonly second: tf.Variable;
}

interface NativeMoments {
  readonly slot: ResourceAdamSlot;
  /** The tensor data the optimizer last assigned to the variable: anything else means it was set from outside. */
  lastAssigned: object | undefined;
}

interface HostMoments {
  readonly slot: HostAdamSlot;
  /** The tensor data the optimizer last assigned to the variable: anything else means it was set from outside. */
  lastAssigned: object | undefined;
}

/**
 * Adam, as tfjs' `AdamOptimizer` computes it, in one pass per variable instead of about 14
 * element-wise kernels (each allocating a tensor the size of the variable): on wasm through the fused
 * SIMD kernel of `@kdlab/wasm-kernels`, and on `cpu` with the value and moments held in a private
 * WebAssembly memory (one copy of the gradient in, one of the new value out), both bit for bit; on
 * tfjs-node through TensorFlow's own fused `ResourceApplyAdam` (the same Adam to float32 rounding);
 * on other backends with tfjs' own element-wise ops. In a KD step of an 800-800 student this was about a
 * quarter of the step's time (see bench/README.md).
 *
 * Moments are keyed by variable name; {@link FusedAdamOptimizer.getWeights} names them
 * `<variable>/m` and `<variable>/v` as tfjs does, after the iteration count.
 */
export class FusedAdamOptimizer extends tf.Optimizer {
  /** The class name tfjs' serialization uses for Adam. */
  static get className(): string {
    return 'Adam';
  }

  private learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  /** `beta1^t` and `beta2^t` as float32 products, as tfjs' optimizer keeps them in scalar variables. */
  private accBeta1: number;
  private accBeta2: number;
  private path: FusedAdamPath | undefined;
  private pathBackend: string | undefined;
  private readonly tensorMoments = new Map<string, TensorMoments>();
  private readonly hostMoments = new Map<string, HostMoments>();
  private hostState: HostAdamState | undefined;
  private readonly nativeMoments = new Map<string, NativeMoments>();
  private native: TensorflowResourceAdam | undefined;

  /** @param settings the step size and decays */
  constructor(settings: FusedAdamSettings) {
    super();
    this.learningRate = settings.learningRate;
    this.beta1 = settings.beta1;
    this.beta2 = settings.beta2;
    this.epsilon = settings.epsilon ?? tf.backend().epsilon();
    this.accBeta1 = Math.fround(settings.beta1);
    this.accBeta2 = Math.fround(settings.beta2);
  }

  /** Sets the step size of the steps that follow (a learning-rate schedule calls it before each step). */
  setLearningRate(learningRate: number): void {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) throw new RangeError(`FusedAdamOptimizer: learning rate ${learningRate} is not a finite non-negative number`);
    this.learningRate = learningRate;
  }

  /** The update path in use (`undefined` before the first step). */
  get updatePath(): FusedAdamPath | undefined {
    return this.path;
  }

  /** Applies one Adam step to every variable with a gradient. */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const named = Array.isArray(variableGradients) ? variableGradients.map(({ name, tensor }) => [name, tensor] as const) : Object.entries(variableGradients);
    const path = this.choosePath();
    const scalars: AdamStepScalars = {
      beta1: this.beta1,
      beta2: this.beta2,
      oneMinusAccBeta1: Math.fround(1 - this.accBeta1),
      oneMinusAccBeta2: Math.fround(1 - this.accBeta2),
      epsilon: this.epsilon,
      learningRate: this.learningRate,
    };
    const nativeInputs = path === 'native' ? this.native!.stepInputs(scalars) : [];
    try {
      this.applyEach(named, path, scalars, nativeInputs);
    } finally {
      tf.dispose(nativeInputs);
    }
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    this.incrementIterations();
  }

  private applyEach(named: ReadonlyArray<readonly [string, tf.Tensor | null | undefined]>, path: FusedAdamPath, scalars: AdamStepScalars, nativeInputs: tf.Tensor[]): void {
    for (const [name, gradient] of named) {
      if (gradient == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) throw new Error(`FusedAdamOptimizer: no variable named '${name}' is registered`);
      if (!tf.util.arraysEqual(variable.shape, gradient.shape)) {
        throw new Error(`FusedAdamOptimizer: the gradient of '${name}' is [${gradient.shape.join(', ')}] but the variable is [${variable.shape.join(', ')}]`);
      }
      if (path === 'host') this.stepOnHost(name, variable, gradient, scalars);
      else if (path === 'native') this.stepNative(name, variable, gradient, nativeInputs);
      else this.stepWithTensors(name, variable, gradient, scalars, path);
    }
  }

  private choosePath(): FusedAdamPath {
    const backend = tf.getBackend();
    if (this.path !== undefined) {
      if (backend !== this.pathBackend) {
        throw new Error(`FusedAdamOptimizer: created its state on the '${this.pathBackend}' backend, but '${backend}' is active now; use one optimizer per backend`);
      }
      return this.path;
    }
    this.pathBackend = backend;
    this.native = TensorflowResourceAdam.forActiveBackend();
    if (tf.getKernel(ADAM_UPDATE_KERNEL_NAME, backend) !== undefined) this.path = 'kernel';
    else if (this.native !== undefined) this.path = 'native';
    else if (HOST_BACKENDS.has(backend)) this.path = 'host';
    else this.path = 'ops';
    return this.path;
  }

  private momentsOf(name: string, variable: tf.Variable): TensorMoments {
    let moments = this.tensorMoments.get(name);
    if (moments === undefined) {
      moments = tf.tidy(() => ({ first: tf.zerosLike(variable).variable(false), second: tf.zerosLike(variable).variable(false) }));
      this.tensorMoments.set(name, moments);
    }
    return moments;
  }

  private stepWithTensors(name: string, variable: tf.Variable, gradient: tf.Tensor, scalars: AdamStepScalars, path: 'kernel' | 'ops'): void {
    const { first, second } = this.momentsOf(name, variable);
    tf.tidy(() => {
      const [value, newFirst, newSecond] =
        path === 'kernel'
          ? (tf.engine().runKernel(ADAM_UPDATE_KERNEL_NAME, { value: variable, gradient, first, second }, { ...scalars }) as tf.Tensor[])
          : adamWithOps(variable, gradient, first, second, scalars);
      first.assign(newFirst!);
      second.assign(newSecond!);
      variable.assign(value!);
    });
  }

  private stepOnHost(name: string, variable: tf.Variable, gradient: tf.Tensor, scalars: AdamStepScalars): void {
    this.hostState ??= new HostAdamState();
    let moments = this.hostMoments.get(name);
    if (moments === undefined) {
      moments = { slot: this.hostState.allocate(variable.size), lastAssigned: undefined };
      this.hostMoments.set(name, moments);
    }
    if (moments.lastAssigned !== variable.dataId) this.hostState.writeValue(moments.slot, variable.dataSync());
    const value = this.hostState.step(moments.slot, gradient.dataSync() as Float32Array, scalars);
    const next = tf.tensor(value, variable.shape, 'float32');
    variable.assign(next);
    next.dispose();
    moments.lastAssigned = variable.dataId;
  }

  private stepNative(name: string, variable: tf.Variable, gradient: tf.Tensor, stepInputs: tf.Tensor[]): void {
    const native = this.native!;
    let moments = this.nativeMoments.get(name);
    if (moments === undefined) {
      moments = { slot: native.createSlot(variable), lastAssigned: variable.dataId };
      this.nativeMoments.set(name, moments);
    } else if (moments.lastAssigned !== variable.dataId) native.write(moments.slot.value, variable);
    const next = native.step(moments.slot, gradient, stepInputs);
    variable.assign(next);
    next.dispose();
    moments.lastAssigned = variable.dataId;
  }

  /** The iteration count, then every first moment, then every second moment (tfjs' order and names). */
  override async getWeights(): Promise<NamedTensor[]> {
    const firsts: NamedTensor[] = [];
    const seconds: NamedTensor[] = [];
    for (const [name, moments] of this.tensorMoments) {
      firsts.push({ name: `${name}/m`, tensor: moments.first });
      seconds.push({ name: `${name}/v`, tensor: moments.second });
    }
    for (const [name, { slot }] of this.hostMoments) {
      const state = this.hostState!;
      firsts.push({ name: `${name}/m`, tensor: tf.tensor(state.view(slot.first, slot.count).slice(), tf.engine().registeredVariables[name]?.shape ?? [slot.count]) });
      seconds.push({ name: `${name}/v`, tensor: tf.tensor(state.view(slot.second, slot.count).slice(), tf.engine().registeredVariables[name]?.shape ?? [slot.count]) });
    }
    for (const [name, { slot }] of this.nativeMoments) {
      firsts.push({ name: `${name}/m`, tensor: this.native!.read(slot.first) });
      seconds.push({ name: `${name}/v`, tensor: this.native!.read(slot.second) });
    }
    return [await this.saveIterations(), ...firsts, ...seconds];
  }

  /** Restores what {@link FusedAdamOptimizer.getWeights} returned; moments are matched to variables by name. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const moments = await this.extractIterations(weightValues);
    // beta^(t+1) as the float32 products the steps would have made, so that resuming is exact
    // (tfjs' Adam takes pow() here, which can differ in the last bit).
    this.accBeta1 = float32Power(this.beta1, this.iterations + 1);
    this.accBeta2 = float32Power(this.beta2, this.iterations + 1);
    const byVariable = new Map<string, { first?: tf.Tensor; second?: tf.Tensor }>();
    for (const { name, tensor } of moments) {
      const match = /^(.*)\/([mv])$/.exec(name);
      if (match === null) throw new Error(`FusedAdamOptimizer.setWeights: '${name}' is not a moment ('<variable>/m' or '<variable>/v')`);
      const entry = byVariable.get(match[1]!) ?? {};
      entry[match[2] === 'm' ? 'first' : 'second'] = tensor;
      byVariable.set(match[1]!, entry);
    }
    this.disposeMoments();
    const path = this.choosePath();
    for (const [name, { first, second }] of byVariable) {
      if (first === undefined || second === undefined) throw new Error(`FusedAdamOptimizer.setWeights: '${name}' needs both '${name}/m' and '${name}/v'`);
      if (path === 'native') {
        const variable = tf.engine().registeredVariables[name];
        if (variable === undefined) throw new Error(`FusedAdamOptimizer.setWeights: no variable named '${name}' is registered`);
        this.nativeMoments.set(name, { slot: this.native!.createSlot(variable, first, second), lastAssigned: variable.dataId });
      } else if (path === 'host') {
        this.hostState ??= new HostAdamState();
        const slot = this.hostState.allocate(first.size);
        this.hostState.writeMoments(slot, first.dataSync(), second.dataSync());
        this.hostMoments.set(name, { slot, lastAssigned: undefined });
      } else {
        this.tensorMoments.set(name, { first: first.variable(false), second: second.variable(false) });
      }
    }
  }

  /** The settings, as tfjs' Adam reports them. */
  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** Frees the moments. */
  override dispose(): void {
    this.disposeMoments();
  }

  private disposeMoments(): void {
    for (const { first, second } of this.tensorMoments.values()) tf.dispose([first, second]);
    this.tensorMoments.clear();
    for (const { slot } of this.nativeMoments.values()) this.native?.dispose(slot);
    this.nativeMoments.clear();
    this.hostMoments.clear();
    this.hostState = undefined;
  }
}

/** `base^exponent` as `exponent - 1` successive float32 products of `base` (what the optimizer's steps compute). */
function float32Power(base: number, exponent: number): number {
  const factor = Math.fround(base);
  let power = factor;
  for (let i = 1; i < exponent; i++) power = Math.fround(power * factor);
  return power;
}

/** tfjs' Adam update as element-wise ops, in tfjs' order (for backends without the fused paths). */
function adamWithOps(value: tf.Tensor, gradient: tf.Tensor, first: tf.Tensor, second: tf.Tensor, s: AdamStepScalars): tf.Tensor[] {
  const newFirst = tf.add(tf.mul(first, s.beta1), tf.mul(gradient, 1 - s.beta1));
  const newSecond = tf.add(tf.mul(second, s.beta2), tf.mul(tf.square(gradient), 1 - s.beta2));
  const correctedFirst = tf.div(newFirst, s.oneMinusAccBeta1);
  const correctedSecond = tf.div(newSecond, s.oneMinusAccBeta2);
  const newValue = tf.add(tf.mul(tf.div(correctedFirst, tf.add(tf.sqrt(correctedSecond), s.epsilon)), -s.learningRate), value);
  return [newValue, newFirst, newSecond];
}
