import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpus, totalmem } from 'node:os';
import { currentUserName, machineTags, standardRunTags } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from './temp-store.js';

let temp: TempFolder;

beforeEach(async () => {
  temp = await makeTempFolder('kdlab-tags-');
});

afterEach(async () => {
  await temp.remove();
});

const hasGit = ((): boolean => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('standardRunTags', () => {
  it('names the user, the source and LOCAL, and leaves out the commit outside a git repository', () => {
    const tags = standardRunTags({ cwd: temp.path, entryPoint: 'experiments/hinton.ts' });
    expect(tags).toEqual({
      'mlflow.user': currentUserName(),
      'mlflow.source.name': 'experiments/hinton.ts',
      'mlflow.source.type': 'LOCAL',
      ...machineTags(),
    });
  });

  it('names the machine: the CPU model with its core count, the memory and the platform', () => {
    const tags = machineTags();
    expect(tags['kdlab.machine.cpu']).toBe(`${cpus()[0]!.model.trim()} x ${cpus().length}`);
    expect(Number(tags['kdlab.machine.memory_gib'])).toBe(Math.round(totalmem() / 2 ** 30));
    expect(tags['kdlab.machine.platform']).toContain(process.version);
  });

  it('tolerates a missing git executable', () => {
    const tags = standardRunTags({ cwd: temp.path, entryPoint: 'x.ts', gitExecutable: join(temp.path, 'no-such-git') });
    expect(tags['mlflow.source.git.commit']).toBeUndefined();
  });

  it.skipIf(!hasGit)('records the HEAD commit inside a git repository', async () => {
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: temp.path, encoding: 'utf8' }).trim();
    git('init', '-q');
    await writeFile(join(temp.path, 'x.ts'), 'export {};\n');
    git('add', 'x.ts');
    git('commit', '-q', '-m', 'one');
    const tags = standardRunTags({ cwd: temp.path, entryPoint: 'x.ts' });
    expect(tags['mlflow.source.git.commit']).toBe(git('rev-parse', 'HEAD'));
    expect(tags['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('currentUserName', () => {
  it('reads LOGNAME first, as getpass.getuser() does', () => {
    const saved = process.env['LOGNAME'];
    process.env['LOGNAME'] = 'researcher';
    try {
      expect(currentUserName()).toBe('researcher');
    } finally {
      if (saved === undefined) delete process.env['LOGNAME'];
      else process.env['LOGNAME'] = saved;
    }
  });
});
