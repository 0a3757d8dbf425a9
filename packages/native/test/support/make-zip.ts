import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a zip made for a test. */
export interface ZipInput {
  /** The member path (a trailing `/` for a folder). */
  path: string;
  /** The contents (a link's target for a symbolic link). */
  data?: string | Buffer;
  /** Stored or deflated (default deflated). */
  method?: 'store' | 'deflate';
  /** A Unix symbolic link. */
  symlink?: boolean;
  /** Write a wrong CRC-32 for this entry. */
  corruptCrc?: boolean;
}

/**
 * Writes a zip file in memory: local headers, data, central directory (Unix modes in the external
 * attributes), and the end record; with `zip64`, sizes and offsets go in zip64 extra fields and a
 * zip64 end record, as large wheels have them.
 *
 * @param inputs - The entries.
 * @param options - `zip64` to use the zip64 records.
 */
export function makeZip(inputs: ZipInput[], options: { zip64?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const input of inputs) {
    const name = Buffer.from(input.path, 'utf8');
    const data = Buffer.from(input.data ?? '');
    const method = input.method === 'store' || input.path.endsWith('/') ? 0 : 8;
    const stored = method === 8 ? deflateRawSync(data) : data;
    const crc = input.corruptCrc === true ? (crc32(data) ^ 1) >>> 0 : crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);

    const mode = input.symlink === true ? 0o120777 : input.path.endsWith('/') ? 0o040755 : 0o100644;
    const extra = Buffer.alloc(options.zip64 === true ? 28 : 0);
    if (options.zip64 === true) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(data.length), 4);
      extra.writeBigUInt64LE(BigInt(stored.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(options.zip64 === true ? 0xffffffff : stored.length, 20);
    central.writeUInt32LE(options.zip64 === true ? 0xffffffff : data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(options.zip64 === true ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += 30 + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (options.zip64 === true) {
    const zip64End = Buffer.alloc(56);
    zip64End.writeUInt32LE(0x06064b50, 0);
    zip64End.writeBigUInt64LE(44n, 4);
    zip64End.writeBigUInt64LE(BigInt(inputs.length), 24);
    zip64End.writeBigUInt64LE(BigInt(inputs.length), 32);
    zip64End.writeBigUInt64LE(BigInt(directory.length), 40);
    zip64End.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(zip64End, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(inputs.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(inputs.length, 0xffff), 10);
  end.writeUInt32LE(options.zip64 === true ? 0xffffffff : directory.length, 12);
  end.writeUInt32LE(options.zip64 === true ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, directory, ...tail, end]);
}
