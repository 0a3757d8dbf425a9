import {
  ARTIFACT_PROXY_PATH,
  encodePath,
  guessContentType,
  proxyRootSegments,
  relativePathSegments,
} from '../artifacts/artifact-paths.js';
import type { ArtifactListing, ArtifactRoot, FileInfo, UploadArtifactOptions } from '../model/artifact.js';
import { decodeJsonBody, decodeTextBody } from '../transport/json-body.js';
import { validateRunId } from '../validation/ids.js';
import { decodeFileInfo } from '../wire/decode-artifacts.js';
import { asObject, readArray, readOptionalString } from '../wire/json-fields.js';
import type { ApiContext } from './api-context.js';
import { definedFields, getJson } from './api-calls.js';

function filesOf(json: unknown, where: string): FileInfo[] {
  return readArray(asObject(json, where), 'files', where).map((file, index) =>
    decodeFileInfo(file, `${where}: files[${index}]`),
  );
}

/**
 * Run artifacts through the tracking server (`mlflow server --serve-artifacts`): `client.artifacts`. Uploads and
 * downloads go through the artifact proxy at the run's `artifact_uri` (`mlflow-artifacts:/...`).
 */
export class ArtifactsApi {
  readonly #context: ApiContext;

  /**
   * Built by {@link MlflowClient}; reach it as a property of the client.
   * @param context - shared executor and settings
   * @internal
   */
  constructor(context: ApiContext) {
    this.#context = context;
  }

  /**
   * `PUT /api/2.0/mlflow-artifacts/artifacts/<root>/<path>`: stores a file under the run's artifacts (folders are
   * created; an existing file is replaced, so a retry is harmless). Strings are sent as UTF-8.
   */
  async upload(
    root: ArtifactRoot,
    path: string,
    contents: string | Uint8Array,
    options: UploadArtifactOptions = {},
  ): Promise<void> {
    const segments = [...proxyRootSegments(root), ...relativePathSegments(path)];
    const body = typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
    const endpoint = `${ARTIFACT_PROXY_PATH}/${encodePath(segments)}`;
    await this.#context.executor.execute({
      method: 'PUT',
      path: endpoint,
      body,
      contentType: options.contentType ?? guessContentType(path),
      idempotent: true,
      decode: (response) => void decodeJsonBody(response, endpoint),
    });
  }

  /** `GET /api/2.0/mlflow-artifacts/artifacts/<root>/<path>`: a file's bytes, whatever its Content-Type says. */
  async download(root: ArtifactRoot, path: string): Promise<Uint8Array> {
    const segments = [...proxyRootSegments(root), ...relativePathSegments(path)];
    return this.#context.executor.execute({
      method: 'GET',
      path: `${ARTIFACT_PROXY_PATH}/${encodePath(segments)}`,
      idempotent: true,
      decode: (response) => response.body,
    });
  }

  /** A file's contents decoded as UTF-8. */
  async downloadText(root: ArtifactRoot, path: string): Promise<string> {
    const bytes = await this.download(root, path);
    return decodeTextBody({ status: 200, headers: {}, body: bytes });
  }

  /** `GET /api/2.0/mlflow/artifacts/list`: a folder of a run's artifacts (the root when `path` is omitted); paths are run-relative. */
  async list(runId: string, path?: string): Promise<ArtifactListing> {
    validateRunId(runId);
    if (path !== undefined) relativePathSegments(path);
    const query = definedFields({ run_id: runId, path }) as Record<string, string>;
    return this.#context.executor.execute(
      getJson('artifacts/list', query, (json, where) => ({
        rootUri: readOptionalString(asObject(json, where), 'root_uri', where),
        files: filesOf(json, where),
      })),
    );
  }

  /** `GET /api/2.0/mlflow-artifacts/artifacts?path=`: a folder through the proxy; paths are relative to that folder. */
  async listAt(root: ArtifactRoot, path?: string): Promise<FileInfo[]> {
    const segments = [...proxyRootSegments(root), ...(path === undefined ? [] : relativePathSegments(path))];
    return this.#context.executor.execute({
      method: 'GET',
      path: ARTIFACT_PROXY_PATH,
      query: { path: segments.join('/') },
      idempotent: true,
      decode: (response) => filesOf(decodeJsonBody(response, ARTIFACT_PROXY_PATH), ARTIFACT_PROXY_PATH),
    });
  }
}
