import { z } from 'zod';

/** One page the browser-latency peer measured (repro/browser-latency/measure-browser-latency.ts). */
const pageSchema = z.looseObject({
  model: z.string(),
  variant: z.enum(['float32', 'uint8']),
  backend: z.string(),
  params: z.number().int().nonnegative(),
  batch1: z.looseObject({ median: z.number().nonnegative(), mean: z.number().nonnegative(), runs: z.number().int().positive() }),
  batched: z.looseObject({ batchSize: z.number().int().positive(), perImage: z.number().nonnegative() }),
  loadMs: z.number().nonnegative(),
});

/** The browser-latency peer's results file. */
export const browserLatencySchema = z.looseObject({
  measuredAt: z.string(),
  cpu: z.string(),
  browser: z.string(),
  tfjs: z.string(),
  pages: z.array(pageSchema),
});

/** One measured page. */
export type BrowserLatency = z.output<typeof pageSchema>;
/** The peer's results. */
export type BrowserLatencyResults = z.output<typeof browserLatencySchema>;

/** Reads the peer's JSON (already parsed), or `undefined` when there is none; a malformed file is an error naming the field. */
export function readBrowserLatency(json: unknown): BrowserLatencyResults | undefined {
  if (json === undefined) return undefined;
  const parsed = browserLatencySchema.safeParse(json);
  if (!parsed.success) throw new Error(`the browser-latency results are malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** The headless Chromium's name and version from its user agent (`HeadlessChrome/156.0.0.0` gives `Chromium 156`). */
export function browserName(userAgent: string): string {
  const match = /HeadlessChrome\/(\d+)/.exec(userAgent) ?? /Chrome\/(\d+)/.exec(userAgent);
  return match ? `headless Chromium ${match[1]}` : 'a headless browser';
}
