import type { SampleSummary } from '@kdlab/report';
import { z } from 'zod';
import { summarize } from './statistics.js';

/** One run of the PyTorch twin, as its JSON file holds it (repro/pytorch-twin/README.md). */
const twinRunSchema = z.looseObject({
  role: z.enum(['teacher', 'baseline', 'distilled']),
  seed: z.number().int(),
  temperature: z.number().nullable().optional(),
  test_errors: z.number(),
});

const twinFileSchema = z.looseObject({
  runs: z.array(twinRunSchema),
  torch_version: z.string().optional(),
  threads: z.number().optional(),
  cpu: z.string().optional(),
});

/** The PyTorch twin's results, read. */
export interface TwinResults {
  /** Its runs. */
  runs: z.output<typeof twinRunSchema>[];
  /** One sentence saying what made them (torch version, threads, CPU). */
  describe: string;
}

/** Reads the twin's JSON (already parsed), or `undefined` when there is none; a malformed file is an error naming the field. */
export function readTwin(json: unknown): TwinResults | undefined {
  if (json === undefined) return undefined;
  const parsed = twinFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`the PyTorch twin's results are malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const file = parsed.data;
  const made = [file.torch_version ? `PyTorch ${file.torch_version}` : 'PyTorch', file.threads ? `${file.threads} thread${file.threads === 1 ? '' : 's'}` : undefined, file.cpu].filter(Boolean).join(', ');
  return { runs: file.runs, describe: `The PyTorch twin (repro/pytorch-twin: the same split, models, schedules and seeds, written independently of kdlab) ran on ${made}.` };
}

/** The twin's test errors of one role (and temperature), summarised over its seeds. */
export function twinErrors(twin: TwinResults | undefined, role: 'teacher' | 'baseline' | 'distilled', temperature?: number): SampleSummary | undefined {
  return summarize(twinValues(twin, role, temperature));
}

/** The twin's test errors of one role (and temperature), one per seed. */
export function twinValues(twin: TwinResults | undefined, role: 'teacher' | 'baseline' | 'distilled', temperature?: number): number[] {
  if (twin === undefined) return [];
  return twin.runs.filter((run) => run.role === role && (temperature === undefined || run.temperature === temperature)).map((run) => run.test_errors);
}
