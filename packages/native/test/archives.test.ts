import { randomBytes } from 'node:crypto';
import { readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FolderArchive, TarArchive, ZipArchive, normalizeMemberPath } from '../src/index.js';
import { hasTool, tarWithGnuTar, zipWithInfoZip, zipWithPython, type TarFormat, type TarInput, type ZipInput, type ZipMemberData } from './support/real-archives.js';
import { tempFolder, writeFiles } from './support/temp-folder.js';

/** A megabyte that does not compress, so that members stream in many chunks. */
const BIG = randomBytes(1 << 20);

describe('ZipArchive, on zips written by Python zipfile', () => {
  const inputs: ZipInput[] = [
    { path: 'pkg/' },
    { path: 'pkg/deflated.txt', data: 'hello hello hello hello '.repeat(100) },
    { path: 'pkg/stored.bin', data: Buffer.from([0, 1, 2, 3, 255]), method: 'store' },
    { path: 'pkg/empty.txt', data: '', method: 'store' },
    { path: 'pkg/link.so', data: 'stored.bin', symlink: true },
    { path: 'pkg/big.so', data: BIG },
  ];

  async function wheel(entries: readonly ZipInput[] = inputs): Promise<{ folder: string; path: string; data: Map<string, ZipMemberData> }> {
    const folder = await tempFolder();
    const path = join(folder, 'archive.whl');
    return { folder, path, data: zipWithPython(path, entries) };
  }

  it('lists files, folders and links, with sizes', async () => {
    const { path } = await wheel();
    expect(await new ZipArchive(path).list()).toEqual([
      { path: 'pkg', kind: 'directory', size: 0 },
      { path: 'pkg/deflated.txt', kind: 'file', size: 2400 },
      { path: 'pkg/stored.bin', kind: 'file', size: 5 },
      { path: 'pkg/empty.txt', kind: 'file', size: 0 },
      { path: 'pkg/link.so', kind: 'symlink', size: 0, linkTarget: 'stored.bin' },
      { path: 'pkg/big.so', kind: 'file', size: BIG.length },
    ]);
  });

  it('reads and extracts stored and deflated members byte for byte', async () => {
    const { folder, path } = await wheel();
    const archive = new ZipArchive(path);
    const read = await archive.read(['pkg/deflated.txt', 'pkg/absent.txt', 'pkg']);
    expect([...read.keys()]).toEqual(['pkg/deflated.txt']);
    expect(read.get('pkg/deflated.txt')!.toString()).toBe('hello hello hello hello '.repeat(100));
    await archive.extract([
      { member: 'pkg/deflated.txt', destination: join(folder, 'out', 'a.txt') },
      { member: 'pkg/stored.bin', destination: join(folder, 'out', 'deep', 'b.bin') },
      { member: 'pkg/empty.txt', destination: join(folder, 'out', 'c.txt') },
      { member: 'pkg/big.so', destination: join(folder, 'out', 'big.so') },
    ]);
    expect(await readFile(join(folder, 'out', 'a.txt'), 'utf8')).toBe('hello hello hello hello '.repeat(100));
    expect([...(await readFile(join(folder, 'out', 'deep', 'b.bin')))]).toEqual([0, 1, 2, 3, 255]);
    expect(await readFile(join(folder, 'out', 'c.txt'), 'utf8')).toBe('');
    expect((await readFile(join(folder, 'out', 'big.so'))).equals(BIG)).toBe(true);
  });

  it('rejects a stored member whose bytes were changed (CRC-32), naming archive and member, and leaves no file behind', async () => {
    const { folder, path, data } = await wheel([{ path: 'lib.so', data: 'abc'.repeat(40), method: 'store' }]);
    const bytes = await readFile(path);
    const { offset } = data.get('lib.so')!;
    bytes[offset + 10] = bytes[offset + 10]! ^ 0xff;
    await writeFile(path, bytes);
    const archive = new ZipArchive(path);
    await expect(archive.extract([{ member: 'lib.so', destination: join(folder, 'out', 'lib.so') }])).rejects.toThrow(/archive\.whl: member "lib\.so": CRC-32 mismatch/);
    expect(await readdir(join(folder, 'out'))).toEqual([]);
    await expect(archive.read(['lib.so'])).rejects.toThrow(/archive\.whl: member "lib\.so": CRC-32 mismatch/);
  });

  it('rejects a deflated member whose bytes were changed, naming archive and member', async () => {
    const { folder, path, data } = await wheel([{ path: 'pkg/libtensorflow_cc.so.2', data: randomBytes(4096).toString('hex') }]);
    const bytes = await readFile(path);
    const { offset, length } = data.get('pkg/libtensorflow_cc.so.2')!;
    for (let at = offset + (length >> 1); at < offset + (length >> 1) + 16; at++) bytes[at] = bytes[at]! ^ 0x5a;
    await writeFile(path, bytes);
    await expect(new ZipArchive(path).extract([{ member: 'pkg/libtensorflow_cc.so.2', destination: join(folder, 'lib.so') }])).rejects.toThrow(
      /archive\.whl: member "pkg\/libtensorflow_cc\.so\.2": /,
    );
    expect(await readdir(folder)).toEqual(['archive.whl']);
  });

  it('says when a file is not a zip, is cut short, or lacks a member', async () => {
    const { folder, path } = await wheel();
    const notZip = join(folder, 'not-a-zip.whl');
    await writeFile(notZip, 'not a zip at all');
    await expect(new ZipArchive(notZip).list()).rejects.toThrow(/not-a-zip\.whl: .*not a zip file/);
    const cut = join(folder, 'cut.whl');
    const bytes = await readFile(path);
    await writeFile(cut, bytes.subarray(0, bytes.length >> 1));
    await expect(new ZipArchive(cut).list()).rejects.toThrow(/cut\.whl: /);
    const archive = new ZipArchive(path);
    await expect(archive.extract([{ member: 'pkg/missing', destination: join(folder, 'x') }])).rejects.toThrow(/archive\.whl: no file member "pkg\/missing"/);
    await expect(archive.extract([{ member: 'pkg', destination: join(folder, 'x') }])).rejects.toThrow(/no file member "pkg"/);
  });

  it('refuses member paths that climb out of the archive', async () => {
    expect(() => normalizeMemberPath('a/../../etc/passwd', 'evil.whl')).toThrow(/evil\.whl: member "a\/\.\.\/\.\.\/etc\/passwd" points outside/);
    expect(normalizeMemberPath('./a//b/', 'ok.whl')).toBe('a/b');
    const { path } = await wheel([{ path: '../escape.txt', data: 'x' }]);
    await expect(new ZipArchive(path).list()).rejects.toThrow(/archive\.whl: .*\.\.\/escape\.txt/);
  });
});

describe.skipIf(!hasTool('zip'))('ZipArchive, on zips written by Info-ZIP zip (skipped where `zip` is not installed)', () => {
  it.each([[[]], [['-fz']]])('lists and extracts files, folders and links (zip options %j; -fz writes zip64 records)', async (options: string[]) => {
    const folder = await tempFolder();
    await writeFiles(join(folder, 'src'), { 'tensorflow/libtensorflow_cc.so.2': 'C API '.repeat(500), 'tensorflow/include/tensorflow/c/c_api.h': '// api\n' });
    await writeFile(join(folder, 'src', 'tensorflow', 'big.so'), BIG);
    await symlink('libtensorflow_cc.so.2', join(folder, 'src', 'tensorflow', 'libtensorflow.so'));
    const path = join(folder, 'tensorflow.whl');
    zipWithInfoZip(path, join(folder, 'src'), ['tensorflow'], options);
    const archive = new ZipArchive(path);
    const members = (await archive.list()).sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(members).toEqual([
      { path: 'tensorflow', kind: 'directory', size: 0 },
      { path: 'tensorflow/big.so', kind: 'file', size: BIG.length },
      { path: 'tensorflow/include', kind: 'directory', size: 0 },
      { path: 'tensorflow/include/tensorflow', kind: 'directory', size: 0 },
      { path: 'tensorflow/include/tensorflow/c', kind: 'directory', size: 0 },
      { path: 'tensorflow/include/tensorflow/c/c_api.h', kind: 'file', size: 7 },
      { path: 'tensorflow/libtensorflow.so', kind: 'symlink', size: 0, linkTarget: 'libtensorflow_cc.so.2' },
      { path: 'tensorflow/libtensorflow_cc.so.2', kind: 'file', size: 3000 },
    ]);
    await archive.extract([
      { member: 'tensorflow/libtensorflow_cc.so.2', destination: join(folder, 'out', 'lib.so') },
      { member: 'tensorflow/big.so', destination: join(folder, 'out', 'big.so') },
    ]);
    expect(await readFile(join(folder, 'out', 'lib.so'), 'utf8')).toBe('C API '.repeat(500));
    expect((await readFile(join(folder, 'out', 'big.so'))).equals(BIG)).toBe(true);
    expect((await archive.read(['tensorflow/include/tensorflow/c/c_api.h'])).get('tensorflow/include/tensorflow/c/c_api.h')!.toString()).toBe('// api\n');
  });
});

describe('TarArchive, on tarballs written by GNU tar', () => {
  const longPath = `include/${'very_long_folder_name/'.repeat(6)}header.h`;
  const longTarget = `${'../'.repeat(2)}${'another_long_folder_name/'.repeat(5)}libtensorflow.so.2.9.1`;
  const inputs = (format: TarFormat): TarInput[] => [
    { path: 'lib', type: 'directory' },
    { path: 'lib/libtensorflow.so.2.9.1', data: 'x'.repeat(1000) },
    { path: 'lib/libtensorflow.so.2', type: 'symlink', linkTarget: 'libtensorflow.so.2.9.1' },
    { path: 'lib/libtensorflow.so', type: 'hardlink', linkTarget: 'lib/libtensorflow.so.2.9.1' },
    // ustar cannot hold a link target over 100 characters; GNU and pax headers can.
    ...(format === 'ustar' ? [] : [{ path: 'lib/far.so', type: 'symlink' as const, linkTarget: longTarget }]),
    { path: 'lib/big.so', data: BIG },
    { path: longPath, data: '#include "x.h"\n' },
    { path: './include/small.h', data: '// small\n' },
  ];

  async function tarball(format: TarFormat): Promise<{ folder: string; archive: TarArchive }> {
    const folder = await tempFolder();
    const path = join(folder, 'libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz');
    await tarWithGnuTar(path, inputs(format), format);
    return { folder, archive: new TarArchive(path) };
  }

  it.each<TarFormat>(['gnu', 'pax', 'ustar'])('lists files, folders, symbolic links, hard links (as relative links) and long names (--format=%s)', async (format) => {
    const { archive } = await tarball(format);
    expect(await archive.list()).toEqual([
      { path: 'lib', kind: 'directory', size: 0 },
      { path: 'lib/libtensorflow.so.2.9.1', kind: 'file', size: 1000 },
      { path: 'lib/libtensorflow.so.2', kind: 'symlink', size: 0, linkTarget: 'libtensorflow.so.2.9.1' },
      { path: 'lib/libtensorflow.so', kind: 'symlink', size: 0, linkTarget: 'libtensorflow.so.2.9.1' },
      ...(format === 'ustar' ? [] : [{ path: 'lib/far.so', kind: 'symlink', size: 0, linkTarget: longTarget }]),
      { path: 'lib/big.so', kind: 'file', size: BIG.length },
      { path: longPath, kind: 'file', size: 15 },
      { path: 'include/small.h', kind: 'file', size: 9 },
    ]);
  });

  it('reads headers and extracts files byte for byte, and names a missing member', async () => {
    const { folder, archive } = await tarball('gnu');
    await archive.list();
    const read = await archive.read([longPath, 'include/small.h', 'lib/libtensorflow.so.2.9.1', 'lib/absent.h']);
    expect([...read.keys()].sort()).toEqual(['include/small.h', longPath, 'lib/libtensorflow.so.2.9.1'].sort());
    expect(read.get(longPath)!.toString()).toBe('#include "x.h"\n');
    expect(read.get('lib/libtensorflow.so.2.9.1')!.length).toBe(1000);
    await archive.extract([
      { member: 'lib/libtensorflow.so.2.9.1', destination: join(folder, 'out', 'lib.so') },
      { member: 'lib/big.so', destination: join(folder, 'out', 'deep', 'big.so') },
      { member: 'include/small.h', destination: join(folder, 'out', 'small.h') },
    ]);
    expect(await readFile(join(folder, 'out', 'lib.so'), 'utf8')).toBe('x'.repeat(1000));
    expect((await readFile(join(folder, 'out', 'deep', 'big.so'))).equals(BIG)).toBe(true);
    expect(await readFile(join(folder, 'out', 'small.h'), 'utf8')).toBe('// small\n');
    await expect(archive.extract([{ member: 'lib/nope.so', destination: join(folder, 'y') }])).rejects.toThrow(/2\.9\.1\.tar\.gz: no file member "lib\/nope\.so"/);
  });

  it('says when the tar inside is cut short, naming the tarball and the member, and leaves no file behind', async () => {
    const { folder, archive } = await tarball('gnu');
    const tar = gunzipSync(await readFile(archive.path));
    const cut = join(folder, 'cut.tar.gz');
    const at = tar.indexOf(BIG.subarray(0, 64)) + 4096;
    await writeFile(cut, gzipSync(tar.subarray(0, at)));
    await expect(new TarArchive(cut).list()).rejects.toThrow(/cut\.tar\.gz: .*truncated download/);
    await expect(new TarArchive(cut).extract([{ member: 'lib/big.so', destination: join(folder, 'out', 'big.so') }])).rejects.toThrow(/cut\.tar\.gz: member "lib\/big\.so": .*truncated download/);
    expect(await readdir(join(folder, 'out'))).toEqual([]);
  });

  it('says when the gzip stream is cut short, or the file is not a gzip at all', async () => {
    const { folder, archive } = await tarball('gnu');
    const bytes = await readFile(archive.path);
    const cut = join(folder, 'cut-gzip.tgz');
    await writeFile(cut, bytes.subarray(0, bytes.length - 100));
    await expect(new TarArchive(cut).list()).rejects.toThrow(/cut-gzip\.tgz: .*truncated download/);
    const plain = join(folder, 'plain.tgz');
    await writeFile(plain, 'just some text, no gzip');
    await expect(new TarArchive(plain).list()).rejects.toThrow(/plain\.tgz: .*not a gzip'd tarball/);
  });
});

describe('FolderArchive', () => {
  it('lists an unpacked library with its links, skipping Python sub-trees, and copies files out', async () => {
    const root = await tempFolder();
    await writeFiles(root, { 'lib/libtensorflow.so.2': 'lib', 'include/tensorflow/c/c_api.h': '// api', 'python/big.py': 'skip me' });
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

