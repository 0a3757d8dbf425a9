/** A rule of the local store layout that the MLflow 2.12 server relies on. */
export type MlrunsRule =
  | 'store-missing'
  | 'experiment-folder-name'
  | 'experiment-meta-missing'
  | 'experiment-meta-unreadable'
  | 'experiment-meta-required-key'
  | 'experiment-meta-type'
  | 'experiment-id-mismatch'
  | 'experiment-name-duplicate'
  | 'run-folder-name'
  | 'run-meta-missing'
  | 'run-meta-unreadable'
  | 'run-meta-required-key'
  | 'run-meta-type'
  | 'run-status'
  | 'run-id-mismatch'
  | 'run-experiment-mismatch'
  | 'key-invalid'
  | 'metric-file-empty'
  | 'metric-line-malformed'
  | 'metric-line-unterminated';

/** One way a store breaks a rule; what the server then does is in `message`. */
export interface MlrunsProblem {
  /** The rule broken. */
  rule: MlrunsRule;
  /** The file or folder at fault. */
  path: string;
  /** What is wrong and what the server does about it. */
  message: string;
}
