import { MlflowError } from './mlflow-error.js';

/**
 * A value was refused by the client before anything was sent, because MLflow would reject it or, worse, store it
 * wrongly without complaint (a fractional step, a bare NaN, a number as a param value, a path-like key).
 */
export class MlflowValidationError extends MlflowError {
  override readonly name: string = 'MlflowValidationError';
  /** Where the value sits in the call, e.g. `metrics[3].step` or `params.temperature`. */
  readonly field: string;

  /**
   * @param field - where the value sits in the call
   * @param problem - what is wrong with it
   */
  constructor(field: string, problem: string) {
    super(`Invalid ${field}: ${problem}`);
    this.field = field;
  }
}
