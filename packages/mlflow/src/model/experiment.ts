/** Whether an experiment or run is live or in the trash. */
export type LifecycleStage = 'active' | 'deleted';

/** Which experiments or runs a search sees. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** An MLflow experiment, as the server describes it. */
export interface Experiment {
  /** Id, always a string (`"0"` is the Default experiment). */
  readonly experimentId: string;
  /** Unique name. */
  readonly name: string;
  /** Where its runs' artifacts go, e.g. `mlflow-artifacts:/1`. */
  readonly artifactLocation: string;
  /** `active` or `deleted`. */
  readonly lifecycleStage: LifecycleStage;
  /** Creation time in ms since the epoch, when the store records it. */
  readonly creationTime: number | undefined;
  /** Last update time in ms since the epoch, when the store records it. */
  readonly lastUpdateTime: number | undefined;
  /** Experiment tags by key. */
  readonly tags: Readonly<Record<string, string>>;
}

/** What `experiments/create` takes. */
export interface CreateExperimentInput {
  /** Unique, non-empty name. */
  readonly name: string;
  /** Tags to set at creation. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Where artifacts go; the server's default root when omitted. */
  readonly artifactLocation?: string;
}

/** What `experiments/search` takes; every field is optional. */
export interface SearchExperimentsInput {
  /** Filter, e.g. `name LIKE 'sweep-%'` or `tags.team = 'ts'`. */
  readonly filter?: string;
  /** Ordering, e.g. `['last_update_time DESC']`. */
  readonly orderBy?: readonly string[];
  /** Page size (1..50000). */
  readonly maxResults?: number;
  /** Token of the page to read, from a previous page's `nextPageToken`. */
  readonly pageToken?: string;
  /** Which experiments to see; the server's default is `ACTIVE_ONLY`. */
  readonly viewType?: ViewType;
}

/** One page of experiments. */
export interface ExperimentsPage {
  /** The experiments on this page (empty when none matched). */
  readonly experiments: readonly Experiment[];
  /** Token of the next page, `undefined` on the last page. */
  readonly nextPageToken: string | undefined;
}
