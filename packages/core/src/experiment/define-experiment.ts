import type { z } from 'zod';
import type { experimentSchema } from './experiment-schema.js';

/** An experiment as written in `experiments/*.ts`: plain, JSON-serialisable, typed data. */
export type ExperimentDefinition = z.input<typeof experimentSchema>;

/**
 * Declares an experiment. Returns its argument unchanged: the function exists for completion and
 * type errors in the editor. The file's default export is what `kdlab run` loads; it is validated
 * (the plugins' options included) before anything trains.
 *
 * @example
 * ```ts
 * export default defineExperiment({
 *   name: 'hinton-mnist',
 *   teacher: { model: mlp({ hidden: [1200, 1200], dropout: 0.5 }) },
 *   student: { model: mlp({ hidden: [800, 800] }) },
 *   losses: [ce({ weight: 0.3 }), hinton({ temperature: 4, weight: 0.7 })],
 * });
 * ```
 */
export function defineExperiment<const T extends ExperimentDefinition>(experiment: T): T {
  return experiment;
}
