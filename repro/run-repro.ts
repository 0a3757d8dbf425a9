// `npm run repro -- [study ...] [options]`: runs the studies of the results page (all of them without
// an argument) on the study store, then regenerates docs/results.md, docs/results.csv and the plots
// from every run in that store. A study started again reuses every finished run: trained teachers and
// baselines come from the store's cache, finished trials are skipped, and the peers keep their results.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeResultsPage } from './page/write-results-page.js';
import { STUDIES } from './studies/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: npm run repro -- [study ...] [--page-only] [--no-peers] [--backend node] [--jobs 2] [--store repro/store] [--page docs/results.md]
studies: ${STUDIES.map((study) => study.id).join(', ')}`;

/** Exit codes as kdlab's: 0 done, 1 a study failed, 2 invalid input, 130/143 interrupted. */
function exitWith(code: number, message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.exit(code);
}

function run(command: string, args: readonly string[]): number {
  process.stderr.write(`\n$ ${[command, ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.signal === 'SIGINT') return 130;
  if (result.signal === 'SIGTERM') return 143;
  return result.status ?? 1;
}

/** Installs a Debian package that provides a study's data when it is missing (as CI installs Chromium), or says what to run. */
function ensureDebianPackage(name: string, provides: string): void {
  if (existsSync(provides)) return;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt) {
    process.stderr.write(`repro: ${provides} is missing: install Debian's ${name} (sudo apt-get install ${name}), or put the files where kdlab looks for them (README, Data).\n`);
    return;
  }
  process.stderr.write(`repro: installing Debian's ${name} for ${provides} ...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let status = spawnSync('apt-get', ['install', '-y', '-qq', name], { stdio: 'inherit', env }).status;
  if (status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    status = spawnSync('apt-get', ['install', '-y', '-qq', name], { stdio: 'inherit', env }).status;
  }
  if (status !== 0) process.stderr.write(`repro: apt-get could not install ${name}; the study's Fashion-MNIST runs will fail until it is installed.\n`);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'page-only': { type: 'boolean', default: false },
        'no-peers': { type: 'boolean', default: false },
        backend: { type: 'string', default: 'node' },
        jobs: { type: 'string', default: '2' },
        store: { type: 'string', default: 'repro/store' },
        page: { type: 'string', default: 'docs/results.md' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    exitWith(2, `${(error as Error).message}\n${USAGE}`);
  }
  const { values: options, positionals } = parsed;
  if (options.help) exitWith(0, USAGE);
  const unknown = positionals.filter((id) => !STUDIES.some((study) => study.id === id));
  if (unknown.length > 0) exitWith(2, `unknown study ${unknown.map((id) => `"${id}"`).join(', ')}\n${USAGE}`);
  const chosen = positionals.length === 0 ? STUDIES : STUDIES.filter((study) => positionals.includes(study.id));
  const store = resolve(ROOT, options.store);
  const storeName = relative(ROOT, store) || '.';
  let failed = false;
  if (!options['page-only']) {
    if (options.backend === 'node' || options.backend === 'node-gpu') {
      const code = run(process.execPath, [join(ROOT, 'packages/cli/bin/kdlab.mjs'), 'native', 'build', ...(options.backend === 'node-gpu' ? ['--gpu'] : [])]);
      if (code !== 0) exitWith(1, `repro: the native backend could not be built (see above); run with --backend wasm to use the WebAssembly backend instead.`);
    }
    for (const study of chosen) {
      for (const { name, provides } of study.debianPackages ?? []) ensureDebianPackage(name, provides);
      for (const file of study.experiments) {
        const code = run(process.execPath, [
          join(ROOT, 'packages/cli/bin/kdlab.mjs'), 'run', file,
          '--backend', options.backend, '--jobs', options.jobs,
          // Relative to the repository root: the store's name is part of the cached teachers' keys.
          '--tracking-uri', join(storeName, 'mlruns'), '--cache-dir', join(storeName, 'cache'), '--no-save-models',
        ]);
        if (code === 130 || code === 143) exitWith(code, 'repro: interrupted; run the same command again to resume.');
        if (code !== 0) {
          failed = true;
          process.stderr.write(`repro: ${file} exited with ${code}; the page shows what finished.\n`);
        }
      }
      if (!options['no-peers']) {
        for (const peer of study.peers ?? []) {
          const [command, ...args] = peer.command;
          if (!existsSync(join(ROOT, args[0] ?? ''))) continue;
          const code = run(command!, args);
          if (code === 130 || code === 143) exitWith(code, 'repro: interrupted; run the same command again to resume.');
          if (code !== 0) {
            failed = true;
            process.stderr.write(`repro: the peer ${peer.name} exited with ${code}.\n`);
          }
        }
      }
    }
  }
  const written = await writeResultsPage(STUDIES, { store, page: resolve(ROOT, options.page), root: ROOT });
  process.stdout.write(`\nwrote ${written.page}, ${written.csv} and ${written.plots.length} plots\n`);
  for (const { id, verdict } of written.verdicts) process.stdout.write(`  ${id}: ${verdict}\n`);
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => exitWith(1, `repro: ${(error as Error).message}`));
