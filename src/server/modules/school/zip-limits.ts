/**
 * An XLSX file is a zip. Before anything unpacks one, its directory is read and held to limits a
 * school's file never comes near, so a small upload that unpacks to hundreds of megabytes (a "zip
 * bomb") is refused in milliseconds instead of being unpacked.
 *
 * A 5,000-row student file with every column, as this system writes it, is 16 entries that unpack
 * to 2.8 MB, its sheet compressed about 10:1. The limits leave room for twenty times that.
 */
import { createInflateRaw } from 'node:zlib';

export const ZIP_LIMITS = {
  /** Entries in the archive: a workbook is a few dozen (sheets, styles, theme, pictures). */
  maxEntries: 1000,
  /** Everything unpacked together. */
  maxUnpackedBytes: 64 * 1024 * 1024,
  /** Unpacked ÷ packed, for any entry that unpacks to more than `ratioFloorBytes`. */
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
};

export interface ZipEntry {
  name: string;
  method: number;
  /** Where the entry's data starts, after its local header. */
  dataOffset: number;
  packedBytes: number;
  unpackedBytes: number;
}

/** Why an archive is refused: not a zip we read at all, or one that unpacks to too much. */
export type ZipRefusal = 'not_zip' | 'too_large';

export class ZipRefused extends Error {
  constructor(readonly reason: ZipRefusal) {
    super(reason);
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Read the central directory and every local header, and check them against the limits and each
 * other. A streaming reader (exceljs's) walks the local headers from the start of the file, and a
 * directory reader trusts the central directory; both see the same entries only if the local
 * entries are contiguous from offset 0 and agree with the directory, so that is required too.
 * Reads headers only: cost grows with the number of entries, not with what they unpack to.
 */
export function inspectZip(file: Buffer, limits = ZIP_LIMITS): ZipEntry[] {
  const refuse = (reason: ZipRefusal = 'not_zip'): never => {
    throw new ZipRefused(reason);
  };
  const u16 = (at: number) => (at + 2 <= file.length ? file.readUInt16LE(at) : refuse());
  const u32 = (at: number) => (at + 4 <= file.length ? file.readUInt32LE(at) : refuse());

  // The end record is the last 22 bytes, or earlier by a trailing comment of at most 65,535 bytes.
  let end = -1;
  for (let at = file.length - 22; at >= Math.max(0, file.length - 22 - 0xffff); at--) {
    if (file.readUInt32LE(at) === EOCD && at + 22 + file.readUInt16LE(at + 20) === file.length) {
      end = at;
      break;
    }
  }
  if (end < 0) refuse();
  const count = u16(end + 10);
  const centralBytes = u32(end + 12);
  const centralAt = u32(end + 16);
  // ZIP64 markers or a split archive: a school's spreadsheet is neither.
  if (count === 0xffff || centralAt === 0xffffffff || u16(end + 4) !== 0 || u16(end + 6) !== 0) refuse('too_large');
  if (count === 0 || count !== u16(end + 8)) refuse();
  if (count > limits.maxEntries) refuse('too_large');
  if (centralAt + centralBytes !== end) refuse();

  const entries: (ZipEntry & { localAt: number; end: number })[] = [];
  let unpackedTotal = 0;
  let at = centralAt;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) refuse();
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const packedBytes = u32(at + 20);
    const unpackedBytes = u32(at + 24);
    const nameLength = u16(at + 28);
    const localAt = u32(at + 42);
    const name = file.toString('latin1', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + u16(at + 30) + u16(at + 32);
    if (at > end) refuse();
    // Encrypted entries, or compression other than none or deflate, are not spreadsheets we read.
    if (flags & 0x41 || (method !== 0 && method !== 8)) refuse();
    if (method === 0 && packedBytes !== unpackedBytes) refuse();
    unpackedTotal += unpackedBytes;
    if (unpackedTotal > limits.maxUnpackedBytes) refuse('too_large');
    if (unpackedBytes > limits.ratioFloorBytes && unpackedBytes > packedBytes * limits.maxRatio) refuse('too_large');

    // Its local header must name the same entry, the same way, with the same sizes.
    if (u32(localAt) !== LOCAL || u16(localAt + 8) !== method) refuse();
    const localName = localAt + 30;
    const dataOffset = localName + u16(localAt + 26) + u16(localAt + 28);
    if (file.toString('latin1', localName, localName + nameLength) !== name || u16(localAt + 26) !== nameLength) refuse();
    const described = (u16(localAt + 6) & 0x08) !== 0;
    if (!described && (u32(localAt + 18) !== packedBytes || u32(localAt + 22) !== unpackedBytes)) refuse();
    const dataEnd = dataOffset + packedBytes;
    if (dataEnd > centralAt) refuse();
    // A data descriptor follows the data: 12 bytes, or 16 with its optional signature.
    const descriptor = described ? (dataEnd + 4 <= centralAt && file.readUInt32LE(dataEnd) === 0x08074b50 ? 16 : 12) : 0;
    entries.push({ name, method, dataOffset, packedBytes, unpackedBytes, localAt, end: dataEnd + descriptor });
  }
  // Contiguous from offset 0 to the central directory: no bytes a streaming reader could take for another entry.
  const byOffset = [...entries].sort((a, b) => a.localAt - b.localAt);
  let next = 0;
  for (const e of byOffset) {
    if (e.localAt !== next) refuse();
    next = e.end;
  }
  if (next !== centralAt) refuse();
  return entries.map(({ name, method, dataOffset, packedBytes, unpackedBytes }) => ({
    name,
    method,
    dataOffset,
    packedBytes,
    unpackedBytes,
  }));
}

/**
 * The sizes above are what the archive says. Unpack each entry, counting and keeping nothing, and
 * stop at the first byte past its stated size: the archive cannot lie its way past the limits.
 */
export async function verifyUnpackedSizes(file: Buffer, entries: ZipEntry[]): Promise<void> {
  for (const e of entries) {
    if (e.method === 0) continue;
    const stated = e.unpackedBytes;
    const actual = await new Promise<number>((resolve, reject) => {
      const inflate = createInflateRaw();
      let seen = 0;
      inflate.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > stated) {
          inflate.destroy();
          resolve(seen);
        }
      });
      inflate.on('end', () => resolve(seen));
      inflate.on('error', () => reject(new ZipRefused('not_zip')));
      inflate.end(file.subarray(e.dataOffset, e.dataOffset + e.packedBytes));
    });
    if (actual > stated) throw new ZipRefused('too_large');
    if (actual !== stated) throw new ZipRefused('not_zip');
  }
}
