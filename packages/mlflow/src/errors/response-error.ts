import { MlflowError } from './mlflow-error.js';

/** A success answer did not have the shape MLflow documents (not JSON, or a field of the wrong type). */
export class MlflowResponseError extends MlflowError {
  override readonly name: string = 'MlflowResponseError';
  /** Where in the answer the problem is, e.g. `runs/get: run.info.run_id`. */
  readonly location: string;

  /**
   * @param location - where in the answer the problem is
   * @param problem - what was expected and what came
   */
  constructor(location: string, problem: string) {
    super(`Unexpected MLflow answer at ${location}: ${problem}`);
    this.location = location;
  }
}
