/** One entry of an artifact listing. */
export interface FileInfo {
  /** Path: relative to the run's artifact root for `artifacts/list`, to the listed folder for the proxy listing. */
  readonly path: string;
  /** True for a folder. */
  readonly isDir: boolean;
  /** Size in bytes (files only). */
  readonly fileSize: number | undefined;
}

/** What `artifacts/list` answers. */
export interface ArtifactListing {
  /** The run's artifact root URI. */
  readonly rootUri: string | undefined;
  /** Entries of the listed folder. */
  readonly files: readonly FileInfo[];
}

/** Anything that carries a run's artifact root, such as a `RunInfo`. */
export interface HasArtifactUri {
  /** The run's artifact root URI, e.g. `mlflow-artifacts:/5/<run id>/artifacts`. */
  readonly artifactUri: string;
}

/** A run's artifact root: its `artifact_uri` string, or anything carrying one (a `RunInfo`). */
export type ArtifactRoot = string | HasArtifactUri;

/** Options of an artifact upload. */
export interface UploadArtifactOptions {
  /** Content-Type to send; default guessed from the file extension, else `application/octet-stream`. */
  readonly contentType?: string;
}
