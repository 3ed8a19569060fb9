import { describe, expect, it } from 'vitest';
import { ZIP_LIMITS, ZipRefused, inspectZip, verifyUnpackedSizes } from '../../src/server/modules/school/zip-limits.js';
import { spreadsheetBomb, workbookAround, zipOf } from '../helpers/zip.js';

const reason = (f: () => unknown) => {
  try {
    f();
    return 'accepted';
  } catch (err) {
    if (err instanceof ZipRefused) return err.reason;
    throw err;
  }
};
const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `e${i}.xml`, data: Buffer.from(`<e n="${i}"/>`) }));
const MB = 1024 * 1024;

/** Drop the first entry from the central directory only, leaving its local entry in the file. */
function withoutFirstFromDirectory(file: Buffer): Buffer {
  const end = file.length - 22;
  const centralAt = file.readUInt32LE(end + 16);
  const first = 46 + file.readUInt16LE(centralAt + 28);
  const out = Buffer.concat([file.subarray(0, centralAt), file.subarray(centralAt + first, end), file.subarray(end)]);
  const at = out.length - 22;
  out.writeUInt16LE(out.readUInt16LE(at + 8) - 1, at + 8);
  out.writeUInt16LE(out.readUInt16LE(at + 10) - 1, at + 10);
  out.writeUInt32LE(out.readUInt32LE(at + 12) - first, at + 12);
  return out;
}

describe('inspectZip', () => {
  it('reads an honest workbook: every entry, its sizes and where its data starts', () => {
    const file = zipOf(workbookAround({ data: Buffer.from('<worksheet/>') }));
    const list = inspectZip(file);
    expect(list.map((e) => e.name)).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/worksheets/sheet1.xml',
    ]);
    expect(list[4]).toMatchObject({ method: 8, unpackedBytes: '<worksheet/>'.length });
  });

  it('takes the limit of entries and refuses one more', () => {
    expect(inspectZip(zipOf(entries(ZIP_LIMITS.maxEntries)))).toHaveLength(ZIP_LIMITS.maxEntries);
    expect(reason(() => inspectZip(zipOf(entries(ZIP_LIMITS.maxEntries + 1))))).toBe('too_large');
  });

  it('refuses more unpacked bytes than the limit in total, even when each entry alone is within it', () => {
    const limits = { ...ZIP_LIMITS, maxUnpackedBytes: 3 * MB, maxRatio: 10_000 };
    const part = (name: string) => ({ name, repeat: { chunk: Buffer.alloc(MB, 'a'), times: 1 } });
    expect(inspectZip(zipOf([part('a'), part('b'), part('c')]), limits)).toHaveLength(3);
    expect(reason(() => inspectZip(zipOf([part('a'), part('b'), part('c'), part('d')]), limits))).toBe('too_large');
  });

  it('refuses a compression ratio past the limit above the floor, and lets small entries compress as they like', () => {
    const chunk = Buffer.alloc(MB, ' ');
    // A megabyte of spaces compresses ~1000:1; at the floor it is allowed, above it refused.
    expect(inspectZip(zipOf([{ name: 'a', repeat: { chunk, times: 1 } }]))).toHaveLength(1);
    expect(reason(() => inspectZip(zipOf([{ name: 'a', repeat: { chunk, times: 2 } }])))).toBe('too_large');
    expect(reason(() => inspectZip(spreadsheetBomb(300)))).toBe('too_large');
  });

  it('refuses what is not a plain zip: no end record, a directory pointing elsewhere, bytes smuggled between entries, encryption', () => {
    const file = zipOf(workbookAround({ data: Buffer.from('<worksheet/>') }));
    expect(reason(() => inspectZip(Buffer.from('PK\u0003\u0004 not really')))).toBe('not_zip');
    expect(reason(() => inspectZip(file.subarray(0, file.length - 1)))).toBe('not_zip');
    // The same file with its first bytes cut off: the end record points at the wrong place.
    expect(reason(() => inspectZip(file.subarray(1)))).toBe('not_zip');
    // A local entry the directory leaves out: a streaming reader would read it, a directory reader would not.
    expect(inspectZip(zipOf([{ name: 'hidden.xml', data: Buffer.from('<x/>') }, ...entries(2)]))).toHaveLength(3);
    expect(
      reason(() => inspectZip(withoutFirstFromDirectory(zipOf([{ name: 'hidden.xml', data: Buffer.from('<x/>') }, ...entries(2)])))),
    ).toBe('not_zip');
    const encrypted = Buffer.from(file);
    const central = encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    encrypted.writeUInt16LE(1, central + 8);
    expect(reason(() => inspectZip(encrypted))).toBe('not_zip');
  });

  it('refuses a local header that disagrees with the directory about sizes', () => {
    const file = zipOf([{ name: 'a.xml', data: Buffer.from('<a/>') }]);
    const bad = Buffer.from(file);
    bad.writeUInt32LE(999, 22);
    expect(reason(() => inspectZip(bad))).toBe('not_zip');
  });
});

describe('verifyUnpackedSizes', () => {
  it('passes entries that unpack to what they say, and stops one that unpacks past it', async () => {
    const honest = zipOf(workbookAround({ data: Buffer.from('<worksheet/>') }));
    await expect(verifyUnpackedSizes(honest, inspectZip(honest))).resolves.toBeUndefined();
    const liar = spreadsheetBomb(300, true);
    const t = performance.now();
    await expect(verifyUnpackedSizes(liar, inspectZip(liar))).rejects.toMatchObject({ reason: 'too_large' });
    // It stopped near the 2 MB it was told, not after 300 MB.
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
