import { z } from 'zod';
import type { RunStatus } from '@kdlab/core';

/** The journal format version written in each session header. */
export const JOURNAL_FORMAT_VERSION = 1 as const;

/** Schema of {@link JournalMetricValue}. */
const journalMetricValueSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

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
const sessionRecordSchema = z.object({
  t: z.literal('session'),
  version: z.literal(JOURNAL_FORMAT_VERSION),
  sessionId: z.string().min(1),
  pid: z.number().int().positive(),
  host: z.string(),
  startTicks: nonNegativeInteger.optional(),
  bootId: z.string().optional(),
  trackingUri: z.string(),
  startedAt: nonNegativeInteger,
});

/** `startRun`: the run to create, with everything `runs/create` needs. */
const startRecordSchema = z.object({
  t: z.literal('start'),
  ...callFields,
  experimentName: z.string(),
  runName: z.string(),
  tags: stringRecord,
  parentRunId: z.string().optional(),
  startTime: nonNegativeInteger,
  userId: z.string(),
});

/**
 * `resumeRun`: a run the server already has, reopened under a new local id (sent as `runs/update`
 * with status RUNNING); it carries the run's server ids, so that its later calls can be sent.
 */
const resumeRecordSchema = z.object({
  t: z.literal('resume'),
  ...callFields,
  serverRunId: z.string().min(1),
  experimentId: z.string().min(1),
  artifactUri: z.string(),
});

/** `logParams`, values already stringified and fitted to MLflow's length limit. */
const paramsRecordSchema = z.object({ t: z.literal('params'), ...callFields, params: stringRecord });

/** `setTags`, values already fitted to MLflow's length limit. */
const tagsRecordSchema = z.object({ t: z.literal('tags'), ...callFields, tags: stringRecord });

/** `logMetrics`, with the timestamps fixed when the call was made (so a re-send is de-duplicated). */
const metricsRecordSchema = z.object({
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
const artifactRecordSchema = z.object({
  t: z.literal('artifact'),
  ...callFields,
  path: z.string().min(1),
  encoding: z.enum(['utf8', 'base64', 'blob']),
  data: z.string(),
  text: z.boolean(),
});

/** The final statuses a run can be ended with. */
const runStatusNameSchema = z.enum(['FINISHED', 'FAILED', 'KILLED']);

/** `end`: the final status; `by` is `sync` when `kdlab sync` ended a run its dead process left RUNNING. */
const endRecordSchema = z.object({
  t: z.literal('end'),
  ...callFields,
  status: runStatusNameSchema,
  endTime: nonNegativeInteger,
  by: z.enum(['owner', 'sync']),
});

/** `handover`: the run was handed over to another process (it stays RUNNING; nobody here ends it). */
const handoverRecordSchema = z.object({
  t: z.literal('handover'),
  ...callFields,
});

/** The server created (or a sync found) the run with this local id. */
const createdRecordSchema = z.object({
  t: z.literal('created'),
  run: z.string().min(1),
  serverRunId: z.string().min(1),
  experimentId: z.string().min(1),
  artifactUri: z.string(),
});

/** Every call up to and including `through` is on the server (or was rejected, see `rejected`). */
const doneRecordSchema = z.object({ t: z.literal('done'), through: z.number().int().nonnegative() });

/** The server refused call `seq` for good (not a connection error or 5xx): it is not sent again. */
const rejectedRecordSchema = z.object({ t: z.literal('rejected'), seq: z.number().int().positive(), error: z.string() });

/** Schema of any line of a journal (see {@link JournalRecord}). */
export const journalRecordSchema = z.discriminatedUnion('t', [
  sessionRecordSchema,
  startRecordSchema,
  resumeRecordSchema,
  paramsRecordSchema,
  tagsRecordSchema,
  metricsRecordSchema,
  artifactRecordSchema,
  endRecordSchema,
  handoverRecordSchema,
  createdRecordSchema,
  doneRecordSchema,
  rejectedRecordSchema,
]);

/** A metric value as a journal line holds it: a JSON number, or the name of a non-finite value. */
export type JournalMetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** A journal's header line: who wrote it and where its runs go. */
export interface SessionRecord {
  /** Record kind. */
  t: 'session';
  /** Format version ({@link JOURNAL_FORMAT_VERSION}). */
  version: typeof JOURNAL_FORMAT_VERSION;
  /** A random id of the tracker session. */
  sessionId: string;
  /** The writing process's id (`kdlab sync` checks whether it still runs). */
  pid: number;
  /** The writing process's host name. */
  host: string;
  /** The writing process's start time in clock ticks since boot (Linux), so that a reused pid is not taken for it. */
  startTicks?: number;
  /** The id of the boot the writing process started in (Linux). */
  bootId?: string;
  /** The server the runs go to, without credentials. */
  trackingUri: string;
  /** When the session started, in ms since the epoch. */
  startedAt: number;
}

/** What every call record carries. */
export interface JournalCallFields {
  /** Position of the call in the journal, from 1, increasing by one. */
  seq: number;
  /** The run's local id (made up before the server knew the run). */
  run: string;
  /** When the call was made, in ms since the epoch. */
  at: number;
}

/** A journaled `startRun`, with everything `runs/create` needs. */
export interface StartRecord extends JournalCallFields {
  /** Record kind. */
  t: 'start';
  /** Experiment name (found or created on the server). */
  experimentName: string;
  /** Run name. */
  runName: string;
  /** Initial tags, `mlflow.runName` included, values fitted to MLflow's limit. */
  tags: Record<string, string>;
  /** Parent run: a server id, or the local id of a run of this journal. */
  parentRunId?: string;
  /** Start time, in ms since the epoch. */
  startTime: number;
  /** The run's `user_id`. */
  userId: string;
}

/**
 * A journaled `resumeRun`: a run the server already has, reopened under a new local id (its later
 * calls name that id) and sent as `runs/update` with status RUNNING. Its server ids are known from
 * the start, so no `created` record follows it.
 */
export interface ResumeRecord extends JournalCallFields {
  /** Record kind. */
  t: 'resume';
  /** The run's id on the server. */
  serverRunId: string;
  /** Its experiment's id on the server. */
  experimentId: string;
  /** Its artifact root on the server. */
  artifactUri: string;
}

/** A journaled `logParams`, values stringified and fitted to MLflow's limit. */
export interface ParamsRecord extends JournalCallFields {
  /** Record kind. */
  t: 'params';
  /** Keys and values. */
  params: Record<string, string>;
}

/** A journaled `setTags`, values fitted to MLflow's limit. */
export interface TagsRecord extends JournalCallFields {
  /** Record kind. */
  t: 'tags';
  /** Keys and values. */
  tags: Record<string, string>;
}

/** One journaled metric value. */
export interface JournalMetric {
  /** Metric key. */
  key: string;
  /** The value. */
  value: JournalMetricValue;
  /** Integer step. */
  step: number;
  /** Fixed when the call was made, so that a re-send is de-duplicated by the server. */
  timestamp: number;
}

/** A journaled `logMetrics`. */
export interface MetricsRecord extends JournalCallFields {
  /** Record kind. */
  t: 'metrics';
  /** The values. */
  metrics: JournalMetric[];
}

/** A journaled `logArtifact`. */
export interface ArtifactRecord extends JournalCallFields {
  /** Record kind. */
  t: 'artifact';
  /** Run-relative artifact path. */
  path: string;
  /** `utf8` text or `base64` bytes inline in `data`, or `blob`: `data` names a file in the journal's blob folder. */
  encoding: 'utf8' | 'base64' | 'blob';
  /** The contents, or the blob's file name. */
  data: string;
  /** Whether the contents were given as text. */
  text: boolean;
}

/** A journaled `end`. */
export interface EndRecord extends JournalCallFields {
  /** Record kind. */
  t: 'end';
  /** Final status. */
  status: RunStatus;
  /** End time, in ms since the epoch. */
  endTime: number;
  /** `owner` when the run's process ended it, `sync` when `kdlab sync` ended it KILLED after the process died. */
  by: 'owner' | 'sync';
}

/** A journaled hand-over: another process (a queue's `finish` job) ends the run; nothing is sent to the server. */
export interface HandoverRecord extends JournalCallFields {
  /** Record kind. */
  t: 'handover';
}

/** The server created (or a sync found) the run with this local id. */
export interface CreatedRecord {
  /** Record kind. */
  t: 'created';
  /** The run's local id. */
  run: string;
  /** Its id on the server. */
  serverRunId: string;
  /** Its experiment's id on the server. */
  experimentId: string;
  /** Its artifact root on the server. */
  artifactUri: string;
}

/** Every call up to and including `through` is on the server (or was refused, see {@link RejectedRecord}). */
export interface DoneRecord {
  /** Record kind. */
  t: 'done';
  /** Position of the last call done. */
  through: number;
}

/** The server refused a call for good (not a connection error or 5xx): it is not sent again. */
export interface RejectedRecord {
  /** Record kind. */
  t: 'rejected';
  /** Position of the refused call. */
  seq: number;
  /** Why, as the server said it. */
  error: string;
}

/** The records that stand for a tracker call and are sent to the server. */
export type CallRecord = StartRecord | ResumeRecord | ParamsRecord | TagsRecord | MetricsRecord | ArtifactRecord | EndRecord | HandoverRecord;

/** Any journal line. */
export type JournalRecord = SessionRecord | CallRecord | CreatedRecord | DoneRecord | RejectedRecord;

/** The schema and the record types describe the same lines (checked when compiling). */
const schemaMatchesTypes: [z.infer<typeof journalRecordSchema>] extends [JournalRecord]
  ? [JournalRecord] extends [z.infer<typeof journalRecordSchema>]
    ? true
    : false
  : false = true;
void schemaMatchesTypes;

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
