import { z } from 'zod';

/** One saved model the Node-latency peer timed (repro/node-latency/measure-node-latency.ts). */
const modelSchema = z.looseObject({
  model: z.string(),
  variant: z.enum(['float32', 'uint8', 'float16']),
  params: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  loadMs: z.number().nonnegative(),
  batch1: z.looseObject({ runs: z.number().int().positive(), warmup: z.number().int().nonnegative(), median: z.number().nonnegative(), mean: z.number().nonnegative(), p90: z.number().nonnegative() }),
  batched: z.looseObject({ batchSize: z.number().int().positive(), images: z.number().int().positive(), passes: z.number().int().positive(), perImage: z.number().nonnegative() }),
});

/** The Node-latency peer's results file. */
export const nodeLatencySchema = z.looseObject({
  /** The study whose architectures were timed (`--study`); absent in files written before the option (the compression study's). */
  study: z.string().optional(),
  measuredAt: z.string(),
  cpu: z.string(),
  cores: z.number().int().positive(),
  /** The backend's one-line description (`selectBackend`'s), thread pools included. */
  backend: z.string(),
  tfjs: z.string(),
  node: z.string(),
  threads: z.looseObject({ intraOp: z.number().int().positive(), interOp: z.number().int().positive() }),
  /** The 1-minute load average when the timing started and when it ended: a busy machine shows. */
  loadAverage: z.looseObject({ start: z.number().nonnegative(), end: z.number().nonnegative() }),
  /** The test examples: the dataset, how many, and (in newer files) its split, split seed and one example's shape. */
  samples: z.looseObject({ dataset: z.string(), count: z.number().int().positive(), seed: z.number().int().optional(), inputShape: z.array(z.number().int().positive()).optional() }),
  models: z.array(modelSchema),
});

/** One timed model. */
export type NodeLatency = z.output<typeof modelSchema>;
/** The peer's results. */
export type NodeLatencyResults = z.output<typeof nodeLatencySchema>;

/** Reads the peer's JSON (already parsed), or `undefined` when there is none; a malformed file is an error naming the field. */
export function readNodeLatency(json: unknown): NodeLatencyResults | undefined {
  if (json === undefined) return undefined;
  const parsed = nodeLatencySchema.safeParse(json);
  if (!parsed.success) throw new Error(`the node-latency results are malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** The timing of an architecture (`teacher`, `student`) in a storage (default float32), or `undefined` when the peer did not time it. */
export function timedModel(results: NodeLatencyResults, model: string, variant: NodeLatency['variant'] = 'float32'): NodeLatency | undefined {
  return results.models.find((m) => m.model === model && m.variant === variant);
}

/**
 * Where the peer timed, in words: the date, the CPU, its cores and the 1-minute load average at the start
 * and the end, the backend (less the build folder's path), TensorFlow.js and Node; e.g. `2026-12-07 09:15
 * UTC on AMD EPYC (2 cores, 1-minute load average 0.12 at the start and 0.20 at the end), backend node
 * (...), TensorFlow.js 4.22.0, Node v20.20.2`.
 */
export function nodeLatencyMachine(results: NodeLatencyResults): string {
  const backend = results.backend.replace(/, built in [^,]*/, '');
  const load = `1-minute load average ${results.loadAverage.start.toFixed(2)} at the start and ${results.loadAverage.end.toFixed(2)} at the end`;
  return `${results.measuredAt.slice(0, 16).replace('T', ' ')} UTC on ${results.cpu} (${results.cores} cores, ${load}), backend ${backend}, TensorFlow.js ${results.tfjs}, Node ${results.node}`;
}
