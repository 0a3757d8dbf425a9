import { z } from 'zod';

/** The journal format version written in each session header. */
export const JOURNAL_FORMAT_VERSION = 1 as const;

/** A metric value as a journal line holds it: a JSON number, or the name of a non-finite value. */
export const journalMetricValueSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

const stringRecord = z.record(z.string(), z.string());
const nonNegativeInteger = z.number().int().nonnegative();

/** Fields every call record carries: its place in the journal, its run and when it was made. */
const callFields = {
  /** Position of the call in the journal, from 1, increasing by one. */
  seq: z.number().int().positive(),
  /** The run's local id (the id the tracker made up before the server knew the run). */
  run: z.string().min(1),
  /** When the call was made, in ms since the epoch. */
  at: nonNegativeInteger,
};

/** The first line of a journal: who wrote it and where its runs go. */
export const sessionRecordSchema = z.object({
  t: z.literal('session'),
  version: z.literal(JOURNAL_FORMAT_VERSION),
  sessionId: z.string().min(1),
  pid: z.number().int().positive(),
  host: z.string(),
  trackingUri: z.string(),
  startedAt: nonNegativeInteger,
});

/** `startRun`: the run to create, with everything `runs/create` needs. */
export const startRecordSchema = z.object({
  t: z.literal('start'),
  ...callFields,
  experimentName: z.string(),
  runName: z.string(),
  tags: stringRecord,
  parentRunId: z.string().optional(),
  startTime: nonNegativeInteger,
  userId: z.string(),
});

/** `logParams`, values already stringified and fitted to MLflow's length limit. */
export const paramsRecordSchema = z.object({ t: z.literal('params'), ...callFields, params: stringRecord });

/** `setTags`, values already fitted to MLflow's length limit. */
export const tagsRecordSchema = z.object({ t: z.literal('tags'), ...callFields, tags: stringRecord });

/** `logMetrics`, with the timestamps fixed when the call was made (so a re-send is de-duplicated). */
export const metricsRecordSchema = z.object({
  t: z.literal('metrics'),
  ...callFields,
  metrics: z.array(
    z.object({ key: z.string(), value: journalMetricValueSchema, step: z.number().int(), timestamp: nonNegativeInteger }),
  ),
});

/**
 * `logArtifact`: small contents inline (`utf8` text or `base64` bytes), larger ones in a file beside the
 * journal (`blob`, its name in the journal's blob folder).
 */
export const artifactRecordSchema = z.object({
  t: z.literal('artifact'),
  ...callFields,
  path: z.string().min(1),
  encoding: z.enum(['utf8', 'base64', 'blob']),
  data: z.string(),
  text: z.boolean(),
});

/** The final statuses a run can be ended with. */
export const runStatusNameSchema = z.enum(['FINISHED', 'FAILED', 'KILLED']);

/** `end`: the final status; `by` is `sync` when `kdlab sync` ended a run its dead process left RUNNING. */
export const endRecordSchema = z.object({
  t: z.literal('end'),
  ...callFields,
  status: runStatusNameSchema,
  endTime: nonNegativeInteger,
  by: z.enum(['owner', 'sync']),
});

/** The server created (or a sync found) the run with this local id. */
export const createdRecordSchema = z.object({
  t: z.literal('created'),
  run: z.string().min(1),
  serverRunId: z.string().min(1),
  experimentId: z.string().min(1),
  artifactUri: z.string(),
});

/** Every call up to and including `through` is on the server (or was rejected, see `rejected`). */
export const doneRecordSchema = z.object({ t: z.literal('done'), through: z.number().int().nonnegative() });

/** The server refused call `seq` for good (not a connection error or 5xx): it is not sent again. */
export const rejectedRecordSchema = z.object({ t: z.literal('rejected'), seq: z.number().int().positive(), error: z.string() });

/** Any line of a journal. */
export const journalRecordSchema = z.discriminatedUnion('t', [
  sessionRecordSchema,
  startRecordSchema,
  paramsRecordSchema,
  tagsRecordSchema,
  metricsRecordSchema,
  artifactRecordSchema,
  endRecordSchema,
  createdRecordSchema,
  doneRecordSchema,
  rejectedRecordSchema,
]);

/** A journal's header line. */
export type SessionRecord = z.infer<typeof sessionRecordSchema>;
/** A journaled `startRun`. */
export type StartRecord = z.infer<typeof startRecordSchema>;
/** A journaled `logParams`. */
export type ParamsRecord = z.infer<typeof paramsRecordSchema>;
/** A journaled `setTags`. */
export type TagsRecord = z.infer<typeof tagsRecordSchema>;
/** A journaled `logMetrics`. */
export type MetricsRecord = z.infer<typeof metricsRecordSchema>;
/** A journaled `logArtifact`. */
export type ArtifactRecord = z.infer<typeof artifactRecordSchema>;
/** A journaled `end`. */
export type EndRecord = z.infer<typeof endRecordSchema>;
/** The local-to-server id mapping of one run. */
export type CreatedRecord = z.infer<typeof createdRecordSchema>;
/** An acknowledgement of every call up to a position. */
export type DoneRecord = z.infer<typeof doneRecordSchema>;
/** A call the server refused for good. */
export type RejectedRecord = z.infer<typeof rejectedRecordSchema>;
/** A metric value as journaled. */
export type JournalMetricValue = z.infer<typeof journalMetricValueSchema>;
/** Any journal line. */
export type JournalRecord = z.infer<typeof journalRecordSchema>;
/** The records that stand for a tracker call and are sent to the server. */
export type CallRecord = StartRecord | ParamsRecord | TagsRecord | MetricsRecord | ArtifactRecord | EndRecord;

/** Whether a record stands for a tracker call (as opposed to the header or bookkeeping). */
export function isCallRecord(record: JournalRecord): record is CallRecord {
  return 'seq' in record && 'run' in record;
}

/** Encodes a metric value for a JSON line (JSON has no NaN or Infinity). */
export function encodeMetricValue(value: number): JournalMetricValue {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** Decodes a journaled metric value back to a number. */
export function decodeMetricValue(value: JournalMetricValue): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A call record before the journal gives it its position and time. */
export type CallDraft = CallRecord extends infer Record
  ? Record extends CallRecord
    ? Omit<Record, 'seq' | 'at'>
    : never
  : never;
