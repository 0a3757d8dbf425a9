import { execFileSync, spawnSync } from 'node:child_process';
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempFolder } from './temp-folder.js';

/**
 * Archives for the tests, made by real tools at test time: Python's `zipfile` (what wheels are built
 * with), Info-ZIP's `zip`, and GNU `tar` + gzip. The readers are tested on what those write, not on
 * what a hand-written writer thinks they write.
 */

/** Whether a command is on the PATH. */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** One entry of a zip made for a test. */
export interface ZipInput {
  /** The member path (a trailing `/` for a folder). */
  path: string;
  /** The contents (a link's target for a symbolic link). */
  data?: string | Buffer;
  /** Stored or deflated (default deflated). */
  method?: 'store' | 'deflate';
  /** A Unix symbolic link (its mode in the external attributes, its target as its data). */
  symlink?: boolean;
}

const PYTHON_ZIP = `
import base64, json, struct, sys, zipfile
inputs = json.load(sys.stdin)
with zipfile.ZipFile(sys.argv[1], 'w') as archive:
    for entry in inputs:
        info = zipfile.ZipInfo(entry['path'], date_time=(2024, 1, 1, 0, 0, 0))
        info.create_system = 3
        if entry['path'].endswith('/'):
            info.external_attr = (0o040755 << 16) | 0x10
        else:
            info.external_attr = (0o120777 if entry['symlink'] else 0o100644) << 16
        info.compress_type = zipfile.ZIP_STORED if entry['method'] == 'store' or entry['path'].endswith('/') else zipfile.ZIP_DEFLATED
        archive.writestr(info, base64.b64decode(entry['data']))
data = {}
with zipfile.ZipFile(sys.argv[1]) as archive, open(sys.argv[1], 'rb') as raw:
    for info in archive.infolist():
        raw.seek(info.header_offset)
        name, extra = struct.unpack('<HH', raw.read(30)[26:30])
        data[info.filename] = {'offset': info.header_offset + 30 + name + extra, 'length': info.compress_size}
print(json.dumps(data))
`;

/** Where a member's stored (compressed) bytes lie in a zip file. */
export interface ZipMemberData {
  /** The offset of its first byte. */
  offset: number;
  /** How many bytes. */
  length: number;
}

/**
 * Writes a zip with Python's `zipfile`, as wheels are written: Unix modes in the external
 * attributes, links stored as their target. Returns where each member's stored bytes lie (read back
 * by `zipfile` and the local headers), for tests that damage them.
 *
 * @param path - The zip to write.
 * @param inputs - The entries, in order.
 */
export function zipWithPython(path: string, inputs: readonly ZipInput[]): Map<string, ZipMemberData> {
  const entries = inputs.map((input) => ({
    path: input.path,
    data: Buffer.from(input.data ?? '').toString('base64'),
    method: input.method ?? 'deflate',
    symlink: input.symlink === true,
  }));
  const output = execFileSync('python3', ['-c', PYTHON_ZIP, path], { input: JSON.stringify(entries), encoding: 'utf8' });
  return new Map(Object.entries(JSON.parse(output) as Record<string, ZipMemberData>));
}

/**
 * Zips a folder with Info-ZIP's `zip -r`, keeping links as links (`-y`); `extraArgs` adds options
 * (`-fz` forces zip64 records).
 *
 * @param path - The zip to write (absolute).
 * @param folder - The folder to run `zip` in.
 * @param members - The paths to zip, relative to `folder`.
 * @param extraArgs - More `zip` options.
 */
export function zipWithInfoZip(path: string, folder: string, members: readonly string[], extraArgs: readonly string[] = []): void {
  execFileSync('zip', ['-q', '-r', '-y', '-X', ...extraArgs, path, ...members], { cwd: folder });
}

/** One entry of a tarball made for a test. */
export interface TarInput {
  /** The member path, as given to `tar` (a leading `./` is kept). */
  path: string;
  /** A regular file (default), symbolic link, hard link or folder. */
  type?: 'file' | 'symlink' | 'hardlink' | 'directory';
  /** A file's contents. */
  data?: string | Buffer;
  /** A symbolic link's target, or the path of the member a hard link shares its file with (listed before it). */
  linkTarget?: string;
}

/** The header formats GNU tar writes: long names as `././@LongLink` records, pax records, or the ustar prefix field. */
export type TarFormat = 'gnu' | 'pax' | 'ustar';

/**
 * Writes a `.tar.gz` with GNU tar: the inputs are made in a scratch folder (files, folders, symbolic
 * links, hard links) and archived in the given order, without recursion.
 *
 * @param path - The tarball to write (absolute).
 * @param inputs - The entries, in order.
 * @param format - The header format (default `gnu`, as GNU tar's own default).
 */
export async function tarWithGnuTar(path: string, inputs: readonly TarInput[], format: TarFormat = 'gnu'): Promise<void> {
  const stage = await tempFolder();
  for (const input of inputs) {
    const target = join(stage, input.path);
    const type = input.type ?? 'file';
    await mkdir(type === 'directory' ? target : dirname(target), { recursive: true });
    if (type === 'file') await writeFile(target, input.data ?? '');
    else if (type === 'symlink') await symlink(input.linkTarget!, target);
    else if (type === 'hardlink') await link(join(stage, input.linkTarget!), target);
  }
  execFileSync(
    'tar',
    [`--format=${format}`, '--no-recursion', '--owner=0', '--group=0', '--numeric-owner', '-czf', path, '-C', stage, ...inputs.map((input) => input.path)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}
