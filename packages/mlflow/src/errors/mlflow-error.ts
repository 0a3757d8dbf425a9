/** Base class of every error thrown by `@kdlab/mlflow`; catch it to handle them all. */
export class MlflowError extends Error {
  /** The class name, so logs and `String(error)` say which error it is. */
  override readonly name: string = 'MlflowError';

  /**
   * @param message - what went wrong, naming the endpoint, field or value involved (never a credential)
   * @param options - the underlying `cause`, when there is one
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
