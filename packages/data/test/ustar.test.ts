import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataFile } from '../src/read-data-file.js';
import { normaliseTarPath, readTar } from '../src/ustar.js';
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
if (!tarAvailable) console.log('ustar: skipping the tests against archives written by tar: no `tar` command on this machine');

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

describe('readTar', () => {
  for (const format of ['ustar', 'pax', 'gnu']) {
    it.skipIf(!tarAvailable)(`reads every member of a ${format} archive written by tar, long names included`, async () => {
      const file = await archive(format, contents, true);
      const entries = readTar(file, await readDataFile(file));
      const files = new Map(entries.filter((entry) => entry.type === 'file').map((entry) => [normaliseTarPath(entry.name), entry.data]));
      expect([...files.keys()].sort()).toEqual(Object.keys(contents).sort());
      for (const [name, bytes] of Object.entries(contents)) expect(files.get(name)).toEqual(bytes);
    });
  }

  it.skipIf(!tarAvailable)('rejects a truncated archive, naming it', async () => {
    const file = await archive('ustar', contents, false);
    const bytes = new Uint8Array(await readFile(file));
    expect(() => readTar(file, bytes.subarray(0, 1200))).toThrow(new RegExp(`^${file}: is truncated: tar member at byte 0 needs 3000 bytes`));
    expect(() => readTar(file, bytes.subarray(0, 300))).toThrow(/is truncated: 300 bytes at byte 0 are less than a 512-byte tar header/);
  });

  it.skipIf(!tarAvailable)('rejects a header with a wrong checksum', async () => {
    const file = await archive('ustar', contents, false);
    const bytes = new Uint8Array(await readFile(file));
    bytes[3] = (bytes[3] as number) ^ 0xff;
    expect(() => readTar(file, bytes)).toThrow(`${file}: tar header at byte 0 has a wrong checksum`);
  });
});
