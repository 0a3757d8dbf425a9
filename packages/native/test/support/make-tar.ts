import { gzipSync } from 'node:zlib';

/** One entry of a tarball made for a test. */
export interface TarInput {
  /** The member path. */
  path: string;
  /** A regular file (default), symbolic link, hard link or folder. */
  type?: 'file' | 'symlink' | 'hardlink' | 'directory';
  /** A file's contents. */
  data?: string | Buffer;
  /** A link's target. */
  linkTarget?: string;
  /** How a long name is written: a GNU `L` record or a pax `path` record. */
  longName?: 'gnu' | 'pax';
}

function header(name: string, type: string, size: number, linkName = ''): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write('0000644\0', 100, 'ascii');
  block.write('0000000\0', 108, 'ascii');
  block.write('0000000\0', 116, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  block.write('00000000000\0', 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write(linkName.slice(0, 100), 157, 'utf8');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return `${length}${body}`;
}

/**
 * Writes a gzip'd ustar tarball in memory, with GNU or pax long names and links where asked.
 *
 * @param inputs - The entries.
 */
export function makeTarGz(inputs: TarInput[]): Buffer {
  const blocks: Buffer[] = [];
  for (const input of inputs) {
    const type = { file: '0', symlink: '2', hardlink: '1', directory: '5' }[input.type ?? 'file'];
    const data = Buffer.from(input.data ?? '');
    let name = input.path;
    if (input.longName === 'gnu') {
      const longName = Buffer.from(`${input.path}\0`);
      blocks.push(header('././@LongLink', 'L', longName.length), padded(longName));
      name = input.path.slice(-90);
    } else if (input.longName === 'pax') {
      const records = Buffer.from(paxRecord('path', input.path));
      blocks.push(header('PaxHeader', 'x', records.length), padded(records));
      name = input.path.slice(-90);
    }
    blocks.push(header(name, type, type === '0' ? data.length : 0, input.linkTarget ?? ''));
    if (type === '0') blocks.push(padded(data));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
