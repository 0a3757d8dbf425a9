import type { ForwardOptions, Model, ModelOutput, ModelRandomState, TeacherInitStrategy, TokenStates } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { resolveIoTarget } from '../io/resolve-io-target.js';
import { KDLAB_METADATA_KEY, type KdlabModelMetadata } from './kdlab-metadata.js';
import { layersFeeding } from './layers-feeding.js';
import { SeededDropout, type SeededDropoutState } from './seeded-dropout.js';

/** What {@link LayersModelAdapter} wraps. */
export interface LayersModelAdapterOptions {
  /** The factory id the model was built by (`mlp`, `cnn`, ...). */
  kind: string;
  /** A functional model with one input whose outputs are `[logits, ...taps]`; the adapter owns it from now on. */
  model: tfl.LayersModel;
  /** Names of the taps, one per output after the logits, in that order; defaults to those outputs' layer names. */
  featureNames?: readonly string[];
  /**
   * The family's way of copying weights from a trained teacher (DistilBERT's `every-other-layer`
   * for transformers). When given, the adapter has {@link LayersModelAdapter.initializeFrom};
   * when not, it has none, so the engine can tell that the family does not support it.
   */
  initializeFrom?: TeacherInitHook;
  /**
   * The family's way of reading a model's per-token hidden states and token embedding (the token
   * transformer's, for masked-language-model pre-training). When given, the adapter has
   * {@link LayersModelAdapter.tokenStates}; when not, it has none.
   */
  tokenStates?: TokenStatesHook;
}

/** A family's reader of a model's per-token hidden states and token embedding ({@link Model.tokenStates}). */
export type TokenStatesHook = (model: LayersModelAdapter) => TokenStates;

/**
 * A family's teacher-initialisation routine: copies weights from `teacher` into `student`
 * following `strategy`, or throws naming both architectures when they do not fit.
 */
export type TeacherInitHook = (student: LayersModelAdapter, teacher: Model, strategy: TeacherInitStrategy) => void;

/**
 * kdlab's {@link Model} over a functional `tf.LayersModel` whose outputs are `[logits, ...taps]`.
 * Every model family (mlp, cnn, resnet, fitnet, ...) builds such a model and wraps it here, so the
 * forward pass, variable selection, parameter count and saving are written once.
 *
 * Saving writes the standard TensorFlow.js layers format (a browser loads it with
 * `tf.loadLayersModel`), with kdlab's `kind` and tap names in `userDefinedMetadata.kdlab`.
 */
export class LayersModelAdapter implements Model {
  /** The factory id the model was built by (`mlp`, `cnn`, ...). */
  readonly kind: string;
  /** Input shape of one example, without the batch dimension. */
  readonly inputShape: readonly number[];
  /** Number of output classes (the logits' last dimension). */
  readonly numClasses: number;
  /** Names of the feature taps, in output order. */
  readonly featureNames: readonly string[];
  /** The wrapped tfjs-layers model (for summaries, or to hand to tfjs directly). */
  readonly layersModel: tfl.LayersModel;
  /**
   * Copies weights from a trained teacher (present only when the family gave a
   * {@link TeacherInitHook}, e.g. the transformer's `every-other-layer`).
   */
  readonly initializeFrom?: (teacher: Model, strategy: TeacherInitStrategy) => void;
  /**
   * The model's per-token hidden states and token embedding (present only when the family gave a
   * {@link TokenStatesHook}, e.g. the transformer with token ids).
   */
  readonly tokenStates?: () => TokenStates;
  #disposed = false;

  /** @param options - the model, its family id and its tap names. */
  constructor(options: LayersModelAdapterOptions) {
    const { kind, model } = options;
    this.kind = kind;
    this.layersModel = model;
    const [input, ...extraInputs] = model.inputs;
    if (input === undefined || extraInputs.length > 0) {
      throw new Error(`${kind}: a LayersModelAdapter needs a model with exactly one input, "${model.name}" has ${model.inputs.length}.`);
    }
    this.inputShape = knownShape(input.shape.slice(1), `${kind}: input "${input.name}"`);
    const [logits, ...taps] = model.outputs;
    if (logits === undefined || logits.shape.length !== 2 || typeof logits.shape[1] !== 'number') {
      throw new Error(
        `${kind}: the first output of "${model.name}" must be the logits, shape [batch, numClasses], ` +
          `got ${logits === undefined ? 'no output' : formatShape(logits.shape)}.`,
      );
    }
    this.numClasses = logits.shape[1];
    const featureNames = options.featureNames ?? taps.map((tap) => tap.sourceLayer.name);
    if (featureNames.length !== taps.length) {
      throw new Error(
        `${kind}: ${featureNames.length} feature name(s) [${featureNames.join(', ')}] given for ` +
          `${taps.length} tap output(s) of "${model.name}" (outputs after the logits).`,
      );
    }
    const duplicate = featureNames.find((name, index) => featureNames.indexOf(name) !== index);
    if (duplicate !== undefined) throw new Error(`${kind}: feature name "${duplicate}" is used twice.`);
    this.featureNames = [...featureNames];
    const hook = options.initializeFrom;
    if (hook !== undefined) {
      this.initializeFrom = (teacher, strategy) => {
        this.assertLive('initializeFrom');
        hook(this, teacher, strategy);
      };
    }
    const tokenStates = options.tokenStates;
    if (tokenStates !== undefined) {
      this.tokenStates = () => {
        this.assertLive('tokenStates');
        return tokenStates(this);
      };
    }
  }

  /** Runs the model on a batch (`training` switches dropout on). The caller owns the returned tensors. */
  forward(x: tf.Tensor, options: ForwardOptions): ModelOutput {
    this.assertLive('forward');
    const expected = this.inputShape;
    if (x.rank !== expected.length + 1 || expected.some((size, axis) => x.shape[axis + 1] !== size)) {
      throw new Error(`${this.kind}.forward: expected input of shape [batch, ${expected.join(', ')}], got [${x.shape.join(', ')}].`);
    }
    const applied = this.layersModel.apply(x, { training: options.training }) as tf.Tensor | tf.Tensor[];
    const [logits, ...taps] = Array.isArray(applied) ? applied : [applied];
    const features: Record<string, tf.Tensor> = {};
    this.featureNames.forEach((name, index) => {
      features[name] = taps[index]!;
    });
    return { logits: logits as tf.Tensor2D, features };
  }

  /** The `tf.Variable`s behind the model's trainable weights: what an optimizer updates. */
  trainableVariables(): tf.Variable[] {
    this.assertLive('trainableVariables');
    return this.layersModel.trainableWeights.map((weight) => underlyingVariable(weight));
  }

  /** Every `tf.Variable` of the model, trainable or not. */
  allVariables(): tf.Variable[] {
    this.assertLive('allVariables');
    return this.layersModel.weights.map((weight) => underlyingVariable(weight));
  }

  /**
   * The trainable variables of every layer the named tap depends on, found by walking the layer
   * graph back from the tap's tensor (FitNets stage 1 trains exactly these). Listed in the order
   * of {@link LayersModelAdapter.trainableVariables}.
   */
  variablesUpTo(featureName: string): tf.Variable[] {
    this.assertLive('variablesUpTo');
    const index = this.featureNames.indexOf(featureName);
    const tap = this.layersModel.outputs[index + 1];
    if (index < 0 || tap === undefined) {
      throw new Error(`${this.kind}: unknown feature tap "${featureName}"; its taps are: ${this.featureNames.join(', ') || '(none)'}.`);
    }
    const feeding = new Set<number>();
    for (const layer of layersFeeding(tap)) for (const weight of layer.trainableWeights) feeding.add(weight.id);
    return this.layersModel.trainableWeights.filter((weight) => feeding.has(weight.id)).map((weight) => underlyingVariable(weight));
  }

  /** Shapes (without batch) of every feature tap, read from the graph without running it. */
  featureShapes(): Record<string, number[]> {
    const shapes: Record<string, number[]> = {};
    this.featureNames.forEach((name, index) => {
      const tap = this.layersModel.outputs[index + 1]!;
      shapes[name] = knownShape(tap.shape.slice(1), `${this.kind}: feature tap "${name}"`);
    });
    return shapes;
  }

  /** Number of trainable parameters. */
  paramCount(): number {
    return this.layersModel.trainableWeights.reduce(
      (total, weight) => total + knownShape(weight.shape, `${this.kind}: weight "${weight.name}"`).reduce((a, b) => a * b, 1),
      0,
    );
  }

  /**
   * Saves the model in the standard TensorFlow.js layers format, with kdlab's metadata.
   *
   * @param handlerOrUrl - an `IOHandler` (e.g. `tf.io.withSaveHandler`), a directory path or
   *   `file://` URL (written as `model.json` plus `weights.bin`), or any URL tfjs itself routes
   *   (`indexeddb://`, `localstorage://`, `downloads://`, `http(s)://`).
   */
  async save(handlerOrUrl: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
    this.assertLive('save');
    const metadata: KdlabModelMetadata = { formatVersion: 1, kind: this.kind, featureNames: [...this.featureNames] };
    const existing = (this.layersModel.getUserDefinedMetadata() ?? {}) as Record<string, object>;
    this.layersModel.setUserDefinedMetadata({ ...existing, [KDLAB_METADATA_KEY]: metadata });
    return this.layersModel.save(resolveIoTarget(handlerOrUrl));
  }

  /** The position of each {@link SeededDropout} layer's mask generator, by layer name. */
  randomState(): ModelRandomState {
    this.assertLive('randomState');
    return Object.fromEntries(this.#dropoutLayers().map((layer) => [layer.name, layer.generatorState()]));
  }

  /**
   * Puts each {@link SeededDropout} layer's mask generator back where {@link LayersModelAdapter.randomState}
   * found it. Throws naming the layer when the state lacks one of this model's dropout layers.
   */
  restoreRandomState(state: ModelRandomState): void {
    this.assertLive('restoreRandomState');
    for (const layer of this.#dropoutLayers()) {
      const saved = state[layer.name];
      if (saved === undefined) throw new Error(`${this.kind}.restoreRandomState: the state has no generator for dropout layer "${layer.name}" (it has: ${Object.keys(state).join(', ') || 'none'}).`);
      layer.restoreGeneratorState(saved as SeededDropoutState);
    }
  }

  #dropoutLayers(): SeededDropout[] {
    return this.layersModel.layers.filter((layer): layer is SeededDropout => layer instanceof SeededDropout);
  }

  /** Frees every variable of the model; disposing twice does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.layersModel.dispose();
  }

  private assertLive(operation: string): void {
    if (this.#disposed) throw new Error(`${this.kind}.${operation}: the model was disposed.`);
  }
}

/** The `tf.Variable` behind a tfjs-layers `LayerVariable` (`read()` returns it, not a copy). */
/**
 * The `tf.Variable` behind a tfjs-layers weight (what an optimizer updates).
 * @throws Error naming the weight when it is not backed by one (a second copy of tfjs-core).
 */
export function underlyingVariable(weight: tfl.LayerVariable): tf.Variable {
  const value = weight.read();
  if (!(value instanceof tf.Variable)) {
    throw new Error(`Weight "${weight.name}" is not backed by a tf.Variable (is a second copy of @tensorflow/tfjs-core loaded?).`);
  }
  return value;
}

/** A shape whose every dimension is known, or an error naming what it belongs to. */
function knownShape(shape: readonly (number | null)[], what: string): number[] {
  if (shape.some((size) => size === null)) {
    throw new Error(`${what} has shape ${formatShape(shape)}; every dimension besides the batch must be known.`);
  }
  return shape as number[];
}

/** `[null, 28, 28, 1]`: a shape as written in error messages. */
function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map(String).join(', ')}]`;
}
