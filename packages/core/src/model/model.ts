import type * as tf from '@tensorflow/tfjs-core';

/** Options of one forward pass. */
export interface ForwardOptions {
  /** `true` while training: dropout and other train-only behaviour are active. */
  training: boolean;
}

/** What a model answers for a batch: the logits and its named intermediate tensors. */
export interface ModelOutput {
  /** Unnormalised class scores, shape `[batch, numClasses]`. */
  logits: tf.Tensor2D;
  /** Named intermediate tensors ("taps") that hint and feature losses address, e.g. `hidden1`. */
  features: Record<string, tf.Tensor>;
  /**
   * For a teacher ensemble: each member's outputs (logits only), so that a loss can distil from the
   * members one by one (the per-teacher sum of KL terms) instead of from their combination.
   */
  members?: ModelOutput[];
}

/**
 * A trainable classifier as kdlab sees it: teachers and students alike.
 *
 * Implementations own their variables and must free them in {@link Model.dispose}.
 */
export interface Model {
  /** The factory id this model was built by (`mlp`, `cnn`, ...). */
  readonly kind: string;
  /** Input shape of one example, without the batch dimension. */
  readonly inputShape: readonly number[];
  /** Number of output classes. */
  readonly numClasses: number;
  /** Names of the feature taps, in forward order. */
  readonly featureNames: readonly string[];
  /** Runs the model on a batch. The caller owns the returned tensors. */
  forward(x: tf.Tensor, options: ForwardOptions): ModelOutput;
  /** The variables an optimizer updates. */
  trainableVariables(): tf.Variable[];
  /** Every variable, trainable or not (e.g. batch-norm statistics). */
  allVariables(): tf.Variable[];
  /** The trainable variables that feed the named tap (for staged training such as FitNets stage 1). */
  variablesUpTo(featureName: string): tf.Variable[];
  /** Shapes (without batch) of every feature tap, known without running the model. */
  featureShapes(): Record<string, number[]>;
  /** Number of trainable parameters. */
  paramCount(): number;
  /** Saves the model in the standard TensorFlow.js layers format (`model.json` plus weights). */
  save(handlerOrUrl: string | tf.io.IOHandler): Promise<tf.io.SaveResult>;
  /**
   * Copies weights from a trained teacher before training, where the family supports it
   * (DistilBERT: a transformer student with half the teacher's layers takes the embeddings and every
   * other layer). Throws naming both architectures when they are not compatible. Optional.
   */
  initializeFrom?(teacher: Model, strategy: TeacherInitStrategy): void;
  /**
   * The model's per-token hidden states, for token-level objectives such as masked-language-model
   * pre-training, where the family has them (the `transformer` with token ids). Optional: a model
   * without (an MLP, a CNN, an image transformer) cannot be pre-trained that way.
   */
  tokenStates?(): TokenStates;
  /**
   * The state of the model's own random generators (the dropout masks' position), JSON-safe: a
   * checkpoint stores it so that a resumed training draws the masks an uninterrupted one would.
   * Optional: a model without generators of its own (or whose randomness is a function of the step)
   * has none.
   */
  randomState?(): ModelRandomState;
  /** Restores a state {@link Model.randomState} returned (of a model of the same architecture). */
  restoreRandomState?(state: ModelRandomState): void;
  /** Frees every variable of the model. */
  dispose(): void;
}

/** Where a model keeps its per-token hidden states and its token embedding ({@link Model.tokenStates}). */
export interface TokenStates {
  /**
   * The final hidden state of every input token, `[batch, seq, hidden]` (position `i` for the input's
   * token `i`: no `[CLS]` or other added position), computed from the features of a forward pass
   * (differentiable: a loss on it trains the model).
   */
  read(features: Record<string, tf.Tensor>): tf.Tensor3D;
  /** The token embedding, `[vocabSize, hidden]`: row `id` is token `id`'s vector (a decoder may be tied to it). */
  readonly embedding: tf.Variable;
}

/** A model's random generators' state, by generator (layer) name: JSON-safe values. */
export type ModelRandomState = Record<string, unknown>;

/** How a student is initialised from its teacher: `every-other-layer` is DistilBERT's choice. */
export type TeacherInitStrategy = 'every-other-layer';
