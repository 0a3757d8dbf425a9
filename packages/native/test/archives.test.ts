import { readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderArchive, TarArchive, ZipArchive, crc32, normalizeMemberPath } from '../src/index.js';
import { makeTarGz } from './support/make-tar.js';
import { makeZip } from './support/make-zip.js';
import { tempFolder, writeFiles } from './support/temp-folder.js';

async function zipFile(folder: string, buffer: Buffer): Promise<string> {
  const path = join(folder, 'archive.whl');
  await writeFile(path, buffer);
  return path;
}

describe('ZipArchive', () => {
  const inputs = [
    { path: 'pkg/' },
    { path: 'pkg/deflated.txt', data: 'hello hello hello hello '.repeat(100) },
    { path: 'pkg/stored.bin', data: Buffer.from([0, 1, 2, 3, 255]), method: 'store' as const },
    { path: 'pkg/empty.txt', data: '', method: 'store' as const },
    { path: 'pkg/link.so', data: 'stored.bin', symlink: true },
  ];

  it.each([false, true])('lists files, folders and links, with sizes (zip64 records: %s)', async (zip64) => {
    const archive = new ZipArchive(await zipFile(await tempFolder(), makeZip(inputs, { zip64 })));
    const members = await archive.list();
    expect(members).toEqual([
      { path: 'pkg', kind: 'directory', size: 0 },
      { path: 'pkg/deflated.txt', kind: 'file', size: 2400 },
      { path: 'pkg/stored.bin', kind: 'file', size: 5 },
      { path: 'pkg/empty.txt', kind: 'file', size: 0 },
      { path: 'pkg/link.so', kind: 'symlink', size: 0, linkTarget: 'stored.bin' },
    ]);
  });

  it('reads and extracts stored and deflated members byte for byte', async () => {
    const folder = await tempFolder();
    const archive = new ZipArchive(await zipFile(folder, makeZip(inputs)));
    const read = await archive.read(['pkg/deflated.txt', 'pkg/absent.txt']);
    expect([...read.keys()]).toEqual(['pkg/deflated.txt']);
    expect(read.get('pkg/deflated.txt')!.toString()).toBe('hello hello hello hello '.repeat(100));
    await archive.extract([
      { member: 'pkg/deflated.txt', destination: join(folder, 'out', 'a.txt') },
      { member: 'pkg/stored.bin', destination: join(folder, 'out', 'deep', 'b.bin') },
      { member: 'pkg/empty.txt', destination: join(folder, 'out', 'c.txt') },
    ]);
    expect(await readFile(join(folder, 'out', 'a.txt'), 'utf8')).toBe('hello hello hello hello '.repeat(100));
    expect([...(await readFile(join(folder, 'out', 'deep', 'b.bin')))]).toEqual([0, 1, 2, 3, 255]);
    expect(await readFile(join(folder, 'out', 'c.txt'), 'utf8')).toBe('');
  });

  it('rejects a member whose CRC-32 does not match, naming it, and leaves no file behind', async () => {
    const folder = await tempFolder();
    const archive = new ZipArchive(await zipFile(folder, makeZip([{ path: 'lib.so', data: 'abc'.repeat(40), corruptCrc: true }])));
    await expect(archive.extract([{ member: 'lib.so', destination: join(folder, 'lib.so') }])).rejects.toThrow(/member "lib\.so": CRC-32 mismatch/);
    await expect(readFile(join(folder, 'lib.so'))).rejects.toThrow(/ENOENT/);
    await expect(archive.read(['lib.so'])).rejects.toThrow(/CRC-32 mismatch/);
  });

  it('says when a file is not a zip, or a member is not in it', async () => {
    const folder = await tempFolder();
    await expect(new ZipArchive(await zipFile(folder, Buffer.from('not a zip at all'))).list()).rejects.toThrow(/archive\.whl: not a zip file/);
    const archive = new ZipArchive(await zipFile(folder, makeZip(inputs)));
    await expect(archive.extract([{ member: 'pkg/missing', destination: join(folder, 'x') }])).rejects.toThrow(/no file member "pkg\/missing"/);
  });

  it('refuses member paths that climb out of the archive', async () => {
    expect(() => normalizeMemberPath('a/../../etc/passwd', 'evil.whl')).toThrow(/evil\.whl: member "a\/\.\.\/\.\.\/etc\/passwd" points outside/);
    expect(normalizeMemberPath('./a//b/', 'ok.whl')).toBe('a/b');
    await expect(new ZipArchive(await zipFile(await tempFolder(), makeZip([{ path: '../escape.txt', data: 'x' }]))).list()).rejects.toThrow(/points outside/);
  });
});

describe('TarArchive', () => {
  const longPath = `include/${'very_long_folder_name/'.repeat(6)}header.h`;
  const inputs = [
    { path: 'lib', type: 'directory' as const },
    { path: 'lib/libtensorflow.so.2.9.1', data: 'x'.repeat(1000) },
    { path: 'lib/libtensorflow.so.2', type: 'symlink' as const, linkTarget: 'libtensorflow.so.2.9.1' },
    { path: 'lib/libtensorflow.so', type: 'hardlink' as const, linkTarget: 'lib/libtensorflow.so.2.9.1' },
    { path: longPath, data: '#include "x.h"\n', longName: 'gnu' as const },
    { path: `${longPath}.pax.h`, data: '// pax\n', longName: 'pax' as const },
    { path: './include/small.h', data: '// small\n' },
  ];

  async function tarball(): Promise<{ folder: string; archive: TarArchive }> {
    const folder = await tempFolder();
    const path = join(folder, 'libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz');
    await writeFile(path, makeTarGz(inputs));
    return { folder, archive: new TarArchive(path) };
  }

  it('lists files, folders, symbolic links, hard links (as relative links) and long names', async () => {
    const { archive } = await tarball();
    expect(await archive.list()).toEqual([
      { path: 'lib', kind: 'directory', size: 0 },
      { path: 'lib/libtensorflow.so.2.9.1', kind: 'file', size: 1000 },
      { path: 'lib/libtensorflow.so.2', kind: 'symlink', size: 0, linkTarget: 'libtensorflow.so.2.9.1' },
      { path: 'lib/libtensorflow.so', kind: 'symlink', size: 0, linkTarget: 'libtensorflow.so.2.9.1' },
      { path: longPath, kind: 'file', size: 15 },
      { path: `${longPath}.pax.h`, kind: 'file', size: 7 },
      { path: 'include/small.h', kind: 'file', size: 9 },
    ]);
  });

  it('reads headers and extracts files in one pass each', async () => {
    const { folder, archive } = await tarball();
    await archive.list();
    const read = await archive.read([longPath, 'include/small.h', 'lib/libtensorflow.so.2.9.1']);
    expect(read.get(longPath)!.toString()).toBe('#include "x.h"\n');
    expect(read.get('lib/libtensorflow.so.2.9.1')!.length).toBe(1000);
    await archive.extract([
      { member: 'lib/libtensorflow.so.2.9.1', destination: join(folder, 'out', 'lib.so') },
      { member: 'include/small.h', destination: join(folder, 'out', 'small.h') },
    ]);
    expect(await readFile(join(folder, 'out', 'lib.so'), 'utf8')).toBe('x'.repeat(1000));
    expect(await readFile(join(folder, 'out', 'small.h'), 'utf8')).toBe('// small\n');
    await expect(archive.extract([{ member: 'lib/nope.so', destination: join(folder, 'y') }])).rejects.toThrow(/no file member "lib\/nope\.so"/);
  });

  it('says when the tarball is cut short', async () => {
    const folder = await tempFolder();
    const whole = makeTarGz([{ path: 'lib/big.so', data: 'y'.repeat(5000) }]);
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const path = join(folder, 'cut.tar.gz');
    await writeFile(path, gzipSync(gunzipSync(whole).subarray(0, 2048)));
    await expect(new TarArchive(path).list()).rejects.toThrow(/cut\.tar\.gz: the tar stream ends in the middle of a member/);
  });
});

describe('FolderArchive', () => {
  it('lists an unpacked library with its links, skipping Python sub-trees, and copies files out', async () => {
    const root = await tempFolder();
    await writeFiles(root, { 'lib/libtensorflow.so.2': 'lib', 'include/tensorflow/c/c_api.h': '// api', 'python/big.py': 'skip me' });
    const { symlink } = await import('node:fs/promises');
    await symlink('libtensorflow.so.2', join(root, 'lib', 'libtensorflow.so'));
    const archive = new FolderArchive(root);
    const members = await archive.list();
    expect(members.filter((member) => member.kind !== 'directory').sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'include/tensorflow/c/c_api.h', kind: 'file', size: 6 },
      { path: 'lib/libtensorflow.so', kind: 'symlink', size: 0, linkTarget: 'libtensorflow.so.2' },
      { path: 'lib/libtensorflow.so.2', kind: 'file', size: 3 },
    ]);
    const out = join(await tempFolder(), 'copy', 'lib.so');
    await archive.extract([{ member: 'lib/libtensorflow.so.2', destination: out }]);
    expect(await readFile(out, 'utf8')).toBe('lib');
    expect(await readlink(join(root, 'lib', 'libtensorflow.so'))).toBe('libtensorflow.so.2');
  });
});

it('crc32 agrees with the zip checksum of known strings', () => {
  expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926);
});
