import { ResourceAlreadyExistsError, ResourceDoesNotExistError } from '../errors/api-errors.js';
import { MlflowValidationError } from '../errors/validation-error.js';
import type {
  CreateExperimentInput,
  Experiment,
  ExperimentsPage,
  SearchExperimentsInput,
} from '../model/experiment.js';
import { validateExperimentId, validateNonEmpty } from '../validation/ids.js';
import { validateMaxResults } from '../validation/numbers.js';
import { prepareTag } from '../batch/prepare-log-batch.js';
import { decodeExperiment } from '../wire/decode-experiment.js';
import { asObject, readArray, readOptionalString, readString } from '../wire/json-fields.js';
import type { ApiContext } from './api-context.js';
import { definedFields, getJson, postJson } from './api-calls.js';

/** Largest page `experiments/search` serves. */
export const MAX_EXPERIMENTS_PER_PAGE = 50_000;

function experimentOf(json: unknown, where: string): Experiment {
  return decodeExperiment(asObject(json, where).experiment, `${where}: experiment`);
}

/** The experiment endpoints: `client.experiments`. */
export class ExperimentsApi {
  readonly #context: ApiContext;

  /**
   * Built by {@link MlflowClient}; reach it as a property of the client.
   * @param context - shared executor and settings
   * @internal
   */
  constructor(context: ApiContext) {
    this.#context = context;
  }

  /** `GET experiments/get-by-name`. Throws {@link ResourceDoesNotExistError} when there is none. */
  async getByName(name: string): Promise<Experiment> {
    validateNonEmpty(name, 'name');
    return this.#context.executor.execute(getJson('experiments/get-by-name', { experiment_name: name }, experimentOf));
  }

  /** Like {@link getByName}, but `undefined` when there is none. */
  async findByName(name: string): Promise<Experiment | undefined> {
    try {
      return await this.getByName(name);
    } catch (error) {
      if (error instanceof ResourceDoesNotExistError) return undefined;
      throw error;
    }
  }

  /** `GET experiments/get` by id. */
  async get(experimentId: string): Promise<Experiment> {
    validateExperimentId(experimentId);
    return this.#context.executor.execute(getJson('experiments/get', { experiment_id: experimentId }, experimentOf));
  }

  /**
   * `POST experiments/create`; answers the new id. Throws {@link ResourceAlreadyExistsError} when the name is taken
   * (use {@link getOrCreate} when another writer may create it at the same time).
   */
  async create(input: CreateExperimentInput): Promise<string> {
    validateNonEmpty(input.name, 'name');
    const tags = Object.entries(input.tags ?? {}).map(([key, value]) => prepareTag(key, value, `tags.${key}`));
    const body = definedFields({
      name: input.name,
      artifact_location: input.artifactLocation,
      tags: tags.length > 0 ? tags : undefined,
    });
    return this.#context.executor.execute(
      postJson('experiments/create', body, (json, where) => readString(asObject(json, where), 'experiment_id', where), {
        idempotent: true,
      }),
    );
  }

  /**
   * The experiment with this name, created (with `options`) when missing. When another writer creates it between the
   * lookup and the creation (`RESOURCE_ALREADY_EXISTS`), that writer's experiment is returned. Throws an
   * {@link MlflowValidationError} when the experiment exists but is deleted (runs cannot be created in it).
   */
  async getOrCreate(name: string, options: Omit<CreateExperimentInput, 'name'> = {}): Promise<Experiment> {
    const existing = (await this.findByName(name)) ?? (await this.#createOrFind(name, options));
    if (existing.lifecycleStage === 'deleted') {
      throw new MlflowValidationError(
        'name',
        `experiment '${name}' (id ${existing.experimentId}) exists but is deleted; restore it or choose another name`,
      );
    }
    return existing;
  }

  async #createOrFind(name: string, options: Omit<CreateExperimentInput, 'name'>): Promise<Experiment> {
    try {
      return await this.get(await this.create({ ...options, name }));
    } catch (error) {
      if (error instanceof ResourceAlreadyExistsError) return this.getByName(name);
      throw error;
    }
  }

  /** `POST experiments/search`: one page. */
  async search(input: SearchExperimentsInput = {}): Promise<ExperimentsPage> {
    const body = definedFields({
      filter: input.filter,
      max_results: validateMaxResults(input.maxResults, 'maxResults', MAX_EXPERIMENTS_PER_PAGE),
      order_by: input.orderBy,
      page_token: input.pageToken,
      view_type: input.viewType,
    });
    return this.#context.executor.execute(
      postJson(
        'experiments/search',
        body,
        (json, where) => {
          const object = asObject(json, where);
          return {
            experiments: readArray(object, 'experiments', where).map((experiment, index) =>
              decodeExperiment(experiment, `${where}: experiments[${index}]`),
            ),
            nextPageToken: readOptionalString(object, 'next_page_token', where) || undefined,
          };
        },
        { idempotent: true },
      ),
    );
  }

  /** Every experiment matching `input`, page after page (starting at `input.pageToken` when given). */
  async *iterate(input: SearchExperimentsInput = {}): AsyncGenerator<Experiment, void, undefined> {
    let pageToken = input.pageToken;
    do {
      const page = await this.search({ ...input, pageToken });
      yield* page.experiments;
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
  }
}
