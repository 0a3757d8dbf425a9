import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTarMembers } from '../src/read-tar-members.js';
import { makeTempDir, patternPixels, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

function hasTar(): boolean {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const tarAvailable = hasTar();
if (!tarAvailable) console.log('read-tar-members: skipping the tests against archives written by tar: no `tar` command on this machine');

/** Writes files under dir/src and archives them with the system tar in the given format. */
async function archive(format: string, files: Record<string, Uint8Array>, gzip: boolean): Promise<string> {
  const dir = await makeTempDir('kdlab-tar-');
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(join(dir, 'src', name, '..'), { recursive: true });
    await writeFile(join(dir, 'src', name), bytes);
  }
  const target = join(dir, gzip ? 'a.tar.gz' : 'a.tar');
  execFileSync('tar', [gzip ? '-czf' : '-cf', target, `--format=${format}`, '-C', join(dir, 'src'), ...Object.keys(files)]);
  return target;
}

const longName = `${'deep/'.repeat(25)}member-with-a-name-longer-than-one-hundred-characters.bin`;
const contents: Record<string, Uint8Array> = {
  'cifar-10-batches-bin/data_batch_1.bin': patternPixels(3, 1000, 1),
  'cifar-10-batches-bin/empty.bin': new Uint8Array(0),
  [longName]: patternPixels(1, 513, 2),
};

describe('readTarMembers', () => {
  for (const format of ['ustar', 'pax', 'gnu']) {
    for (const gzip of [true, false]) {
      it.skipIf(!tarAvailable)(`reads the wanted members of a ${format} archive written by tar${gzip ? ', gzip\'d' : ''}, long names included, and skips the rest`, async () => {
        const file = await archive(format, contents, gzip);
        const wanted = ['cifar-10-batches-bin/data_batch_1.bin', 'cifar-10-batches-bin/empty.bin', longName];
        const members = await readTarMembers(file, new Set([...wanted, 'not/in/the/archive.bin']));
        expect([...members.keys()].sort()).toEqual([...wanted].sort());
        for (const name of wanted) expect(members.get(name)).toEqual(contents[name]);
        expect((await readTarMembers(file, new Set([longName]))).size).toBe(1);
      });
    }
  }

  it.skipIf(!tarAvailable)('reads members whose paths tar wrote with a leading ./', async () => {
    const dir = await makeTempDir('kdlab-tar-dot-');
    await mkdir(join(dir, 'src', 'cifar-10-batches-bin'), { recursive: true });
    await writeFile(join(dir, 'src', 'cifar-10-batches-bin', 'test_batch.bin'), patternPixels(2, 7, 3));
    const file = join(dir, 'dot.tar.gz');
    execFileSync('tar', ['-czf', file, '-C', join(dir, 'src'), '.']);
    const members = await readTarMembers(file, new Set(['cifar-10-batches-bin/test_batch.bin']));
    expect(members.get('cifar-10-batches-bin/test_batch.bin')).toEqual(patternPixels(2, 7, 3));
  });

  it.skipIf(!tarAvailable)('rejects a truncated archive, naming it', async () => {
    const file = await archive('ustar', contents, false);
    const bytes = new Uint8Array(await readFile(file));
    await writeFile(`${file}.cut`, bytes.subarray(0, 1200));
    await expect(readTarMembers(`${file}.cut`, new Set(['cifar-10-batches-bin/data_batch_1.bin']))).rejects.toThrow(new RegExp(`^${file}\\.cut: cannot be read as a tar archive`));
  });

  it.skipIf(!tarAvailable)('rejects a header with a wrong checksum, naming the archive', async () => {
    const file = await archive('ustar', contents, false);
    const bytes = new Uint8Array(await readFile(file));
    bytes[3] = (bytes[3] as number) ^ 0xff;
    await writeFile(`${file}.bad`, bytes);
    await expect(readTarMembers(`${file}.bad`, new Set(['cifar-10-batches-bin/data_batch_1.bin']))).rejects.toThrow(`${file}.bad: cannot be read as a tar archive`);
  });

  it('rejects a missing file and a damaged gzip stream, naming the file', async () => {
    const dir = await makeTempDir('kdlab-tar-bad-');
    await expect(readTarMembers(join(dir, 'absent.tar.gz'), new Set())).rejects.toThrow(`${join(dir, 'absent.tar.gz')}: cannot be read as a tar archive`);
    await writeFile(join(dir, 'bad.tar.gz'), new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]));
    await expect(readTarMembers(join(dir, 'bad.tar.gz'), new Set())).rejects.toThrow(`${join(dir, 'bad.tar.gz')}: cannot be read as a tar archive`);
  });
});
