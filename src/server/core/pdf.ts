import PDFDocument from 'pdfkit';
import { createRequire } from 'node:module';

// A Traditional Chinese font shipped through npm, so reports never depend on what the machine has installed.
const FONT = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-hk/400Regular/NotoSansHK_400Regular.ttf');

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
