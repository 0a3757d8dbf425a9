/** What one epoch measured. */
export interface EpochSummary {
  /** 1-based epoch number, counted across stages. */
  epoch: number;
  /** The stage the epoch belongs to. */
  stage: string;
  /** Mean weighted total loss over the epoch's examples. */
  loss: number;
  /** Mean unweighted value of each term, by term name. */
  terms: Record<string, number>;
  /** Training accuracy (with dropout active, as measured during the steps). */
  trainAccuracy: number;
  /** Validation accuracy after the epoch. */
  valAccuracy: number;
  /** Validation NLL after the epoch. */
  valNll: number;
  /** Wall time of the epoch's training steps, in seconds. */
  seconds: number;
  /** Live tensors after the epoch (must stay flat: a growing count is a leak). */
  numTensors: number;
}
