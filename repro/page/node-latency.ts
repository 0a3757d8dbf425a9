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
  samples: z.looseObject({ dataset: z.string(), count: z.number().int().positive() }),
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
