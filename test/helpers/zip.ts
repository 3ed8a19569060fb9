/**
 * Zip archives built by hand for the upload-limit tests: honest ones, ones that unpack to hundreds
 * of megabytes from a megabyte (made in well under a second: one compressed chunk repeated), and
 * ones whose directory lies about what they unpack to.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface ZipPart {
  name: string;
  /** Stored as given and deflated, or … */
  data?: Buffer;
  /** … `chunk` repeated `times`, deflated once and the compressed bytes repeated (see below). */
  repeat?: { chunk: Buffer; times: number };
  /** Say this unpacked size in the headers instead of the true one. */
  claimUnpacked?: number;
}

/**
 * A raw deflate stream of `chunk` × `times`: the chunk compressed alone and sync-flushed ends on a
 * byte boundary without a final block, so copies of it concatenate into one valid stream; an empty
 * final block closes it.
 */
function deflateRepeated(chunk: Buffer, times: number): Buffer {
  const one = deflateRawSync(chunk, { finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array.from({ length: times }, () => one), deflateRawSync(Buffer.alloc(0))]);
}

export function zipOf(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    let packed: Buffer;
    let unpacked: number;
    let crc: number;
    if (p.repeat) {
      packed = deflateRepeated(p.repeat.chunk, p.repeat.times);
      unpacked = p.repeat.chunk.length * p.repeat.times;
      crc = 0;
      for (let i = 0; i < p.repeat.times; i++) crc = crc32(p.repeat.chunk, crc);
    } else {
      const data = p.data ?? Buffer.alloc(0);
      packed = deflateRawSync(data);
      unpacked = data.length;
      crc = crc32(data);
    }
    const size = p.claimUnpacked ?? unpacked;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc >>> 0, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts of a one-sheet workbook around a given sheet part. */
export function workbookAround(sheet: Omit<ZipPart, 'name'>): ZipPart[] {
  return [
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
      ),
    },
    {
      name: '_rels/.rels',
      data: Buffer.from(
        `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
    },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(
        `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ),
    },
    { name: 'xl/worksheets/sheet1.xml', ...sheet },
  ];
}

/** An XLSX of about a megabyte whose sheet unpacks to `megabytes` MB of rows; with `lie`, its headers say 2 MB. */
export function spreadsheetBomb(megabytes: number, lie = false): Buffer {
  const row = `<row><c t="inlineStr"><is><t>bomb</t></is></c></row>`;
  const chunk = Buffer.from(row.repeat(Math.floor((1024 * 1024) / row.length)).padEnd(1024 * 1024, ' '));
  // The opening and closing tags are left out: the archive is refused before anything reads the XML.
  return zipOf(workbookAround({ repeat: { chunk, times: megabytes }, ...(lie ? { claimUnpacked: 2 * 1024 * 1024 } : {}) }));
}
