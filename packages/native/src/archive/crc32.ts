import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let index = 0; index < 256; index++) {
    let value = index;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[index] = value >>> 0;
  }
  return table;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * Continues a CRC-32 (the zip checksum) over more bytes: `zlib.crc32` where Node has it (20.15+),
 * else a table-driven version.
 *
 * @param data - The next bytes.
 * @param previous - The CRC so far (0 to start).
 */
export function crc32(data: Uint8Array, previous = 0): number {
  if (nativeCrc32 !== undefined) return nativeCrc32(data, previous);
  const lookup = crcTable();
  let crc = ~previous >>> 0;
  for (let index = 0; index < data.length; index++) crc = lookup[(crc ^ data[index]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
