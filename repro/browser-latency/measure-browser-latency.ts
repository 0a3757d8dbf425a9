// The compression study's browser peer (study 8, docs/results.md): the latency per image of the
// table's architectures in headless Chromium, through the page `kdlab export` writes. TensorFlow.js
// computes in float32 whatever the weights' storage (a quantized file is dequantized on load) and skips
// no zeros, so latency is a property of the architecture and the backend, not of the weights' values:
// each architecture is built at its seed-0 initialisation, saved as float32 and as uint8
// (../latency/save-architectures.ts, shared with the Node peer), exported with 1,000 MNIST test digits,
// and timed in the page (one image at a time, and in batches of 100).
//   repro/browser-latency/run.sh [--out repro/store/browser-latency/compression.json]
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectBackend } from '@kdlab/core';
import { serveFolder, type ExportPageResult } from '@kdlab/export';
import { findChromium, HeadlessChromium } from '../../packages/report/test/support/headless-chromium.js';
import { saveLatencyModels } from '../latency/save-architectures.js';
import type { BrowserLatency, BrowserLatencyResults } from '../page/browser-latency.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'repro/store/browser-latency/compression.json' } } });
  const out = resolve(ROOT, values.out!);
  const chromium = findChromium();
  if (chromium === undefined) {
    process.stderr.write('browser-latency: no Chromium found (Debian: apt-get install chromium, or set KDLAB_CHROMIUM); nothing measured.\n');
    process.exit(1);
  }
  await selectBackend('cpu');
  const scratch = await mkdtemp(join(tmpdir(), 'kdlab-browser-latency-'));
  const browser = await HeadlessChromium.launch(chromium);
  const pages: BrowserLatency[] = [];
  let meta = { browser: '', tfjs: '' };
  try {
    for (const { model: name, variant, params, folder: saved } of await saveLatencyModels(scratch, ['float32', 'uint8'])) {
      const web = join(scratch, `${name}-${variant}-web`);
      const exported = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/kdlab.mjs'), 'export', saved, '--out', web, '--dataset', 'mnist', '--samples', '1000'], { cwd: ROOT, encoding: 'utf8' });
      if (exported.status !== 0) throw new Error(`kdlab export of the ${name} (${variant}) failed: ${exported.stderr}`);
      const served = await serveFolder(web);
      try {
        const visit = await browser.visit(`${served.url}?runs=200`, { width: 1000, height: 900, expression: 'window.kdlabDone', awaitPromise: true, timeoutMs: 180_000 });
        const result = visit.evaluated as ExportPageResult;
        if (result.status !== 'done' || result.latencyMs === undefined || result.latencyMs.batched === null) throw new Error(`the ${name} (${variant}) page: ${result.error ?? 'no latency'}; ${visit.errors.join('; ')}`);
        meta = { browser: result.userAgent ?? '', tfjs: result.tfjsVersion ?? '' };
        const { batch1, batched } = result.latencyMs;
        pages.push({ model: name, variant, backend: result.backend ?? '', params, batch1: { median: batch1.median, mean: batch1.mean, runs: batch1.runs }, batched: { batchSize: batched.batchSize, perImage: batched.perImage }, loadMs: result.loadMs ?? 0 });
        process.stderr.write(`browser-latency: ${name} ${variant} on ${result.backend}: ${batch1.mean.toFixed(2)} ms per image alone, ${batched.perImage.toFixed(3)} ms in batches of ${batched.batchSize}\n`);
      } finally {
        await served.close();
      }
    }
  } finally {
    await browser.close();
    await rm(scratch, { recursive: true, force: true });
  }
  const results: BrowserLatencyResults = { measuredAt: new Date().toISOString(), cpu: cpus()[0]?.model ?? 'unknown', ...meta, pages };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write(`browser-latency: wrote ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`browser-latency: ${(error as Error).message}\n`);
  process.exit(1);
});
