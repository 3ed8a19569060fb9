import PDFDocument from 'pdfkit';
import { createRequire } from 'node:module';

// A Traditional Chinese font shipped through npm, so reports never depend on what the machine has installed.
const FONT = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-hk/400Regular/NotoSansHK_400Regular.ttf');
/** The same font, for documents laid out by hand (the school key's recovery sheets). */
export const PDF_FONT = FONT;

export interface PdfTable {
  title: string;
  subtitle?: string;
  headers: string[];
  /** Relative column widths. */
  widths: number[];
  rows: string[][];
}

/** A plain A4 landscape report: title, subtitle and a table that continues over pages, in Chinese and English. */
export function pdfTable(t: PdfTable): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: t.title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res) => doc.on('end', () => res(Buffer.concat(chunks))));
  doc.registerFont('hk', FONT).font('hk');
  doc.fontSize(16).text(t.title);
  if (t.subtitle) doc.fontSize(10).fillColor('#444').text(t.subtitle).fillColor('black');
  doc.moveDown(0.5);
  const width = doc.page.width - 72;
  const total = t.widths.reduce((a, b) => a + b, 0);
  const cols = t.widths.map((w) => (w / total) * width);
  const row = (cells: string[], bold: boolean) => {
    doc.fontSize(bold ? 9 : 8.5);
    const heights = cells.map((c, i) => doc.heightOfString(c, { width: (cols[i] ?? 50) - 4 }));
    const h = Math.max(...heights, 10) + 4;
    if (doc.y + h > doc.page.height - 36) doc.addPage();
    const y = doc.y;
    let x = 36;
    cells.forEach((c, i) => {
      doc.text(c, x + 2, y + 2, { width: (cols[i] ?? 50) - 4 });
      x += cols[i] ?? 50;
    });
    doc
      .moveTo(36, y + h)
      .lineTo(36 + width, y + h)
      .strokeColor(bold ? '#000' : '#ccc')
      .stroke();
    doc.x = 36;
    doc.y = y + h;
  };
  row(t.headers, true);
  for (const r of t.rows) row(r, false);
  doc.end();
  return done;
}

export interface PdfSheet {
  title: string;
  subtitle?: string;
  /** Label and value lines (school, account, date), in both languages. */
  fields: [string, string][];
  /** The secret, printed large in a box: the only place it exists. */
  secret: { label: string; value: string };
  /** Paragraphs after the secret (what the sheet is for, how to keep and use it). */
  notes: string[];
}

/** A one-page A4 portrait sheet that carries a secret to be kept on paper (a break-glass password, a recovery share). */
export function pdfSheet(s: PdfSheet): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: s.title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res) => doc.on('end', () => res(Buffer.concat(chunks))));
  doc.registerFont('hk', FONT).font('hk');
  const width = doc.page.width - 112;
  doc.fontSize(18).text(s.title, { width });
  if (s.subtitle) doc.fontSize(10).fillColor('#444').text(s.subtitle, { width }).fillColor('black');
  doc.moveDown(0.8);
  for (const [label, value] of s.fields) {
    doc.fontSize(9).fillColor('#555').text(label, { width }).fillColor('black');
    doc.fontSize(12).text(value, { width });
    doc.moveDown(0.3);
  }
  doc.moveDown(0.5);
  doc.fontSize(10).text(s.secret.label, { width });
  const top = doc.y + 4;
  doc.fontSize(20);
  const h = doc.heightOfString(s.secret.value, { width: width - 24 }) + 24;
  doc.rect(56, top, width, h).lineWidth(1.5).stroke();
  doc.text(s.secret.value, 68, top + 12, { width: width - 24, characterSpacing: 1 });
  doc.x = 56;
  doc.y = top + h + 16;
  doc.fontSize(9.5);
  for (const n of s.notes) {
    doc.text(n, { width });
    doc.moveDown(0.5);
  }
  doc.end();
  return done;
}
