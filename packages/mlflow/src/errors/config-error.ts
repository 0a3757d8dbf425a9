import { MlflowError } from './mlflow-error.js';

/** The client's options or `MLFLOW_*` environment variables are missing or malformed. Never carries a secret. */
export class MlflowConfigError extends MlflowError {
  override readonly name: string = 'MlflowConfigError';
  /** The option or environment variable at fault, e.g. `MLFLOW_TRACKING_URI`. */
  readonly setting: string;

  /**
   * @param setting - the option or environment variable at fault
   * @param problem - what is wrong with it (without its value when the value may be secret)
   */
  constructor(setting: string, problem: string) {
    super(`Invalid MLflow client setting ${setting}: ${problem}`);
    this.setting = setting;
  }
}
