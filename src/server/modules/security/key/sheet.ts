import PDFDocument from 'pdfkit';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { hongKongDate } from '../../../core/clock.js';
import { AppError } from '../../../core/errors.js';
import { PDF_FONT } from '../../../core/pdf.js';
import { findSchoolNames, markSharePrinted } from '../queries/key.js';
import type { KeyDeps } from './common.js';
import { holderShare } from './shares.js';

const ROLE: Record<string, [string, string]> = {
  principal: ['校長', 'Principal'],
  system_admin: ['系統管理員', 'System administrator'],
  safe: ['學校保險箱', 'School safe'],
  other: ['其他保管人', 'Other holder'],
};

/** dd/mm/yyyy and 2026年11月30日, Hong Kong time. */
function dates(at: Date): [string, string] {
  const [y, m, d] = hongKongDate(at).split('-');
  return [`${y}年${Number(m)}月${Number(d)}日`, `${d}/${m}/${y}`];
}

/**
 * One holder's recovery sheet, in Chinese and English: who holds it, the date, the key's
 * fingerprint, the share itself and what to do with it. The share is sent by the browser that was
 * shown it (the server never kept it) and must be that holder's, so no other text can be printed.
 */
export async function shareSheet(d: KeyDeps, a: Actor, setId: string, holderNo: number, text: string): Promise<Buffer> {
  const row = await holderShare(d, a, setId, holderNo, text);
  if (row.superseded_at) throw new AppError('share_confirm_mismatch');
  const { school, fingerprint, holders } = await d.db.schoolTx(a.schoolId, async (q) => {
    const info = await findSchoolNames(q, a.schoolId, row.set_id, row.key_version);
    await markSharePrinted(q, row.id, d.clock.now());
    await audit(q, d.clock, {
      ...who(a),
      action: 'school_key.share_printed',
      target: `share:${setId}:${holderNo}`,
      details: { holder: row.holder_name, role: row.holder_role, version: row.key_version },
    });
    return info;
  });
  const [zhDate, enDate] = dates(row.issued_at);
  const [roleZh, roleEn] = ROLE[row.holder_role] ?? ['', ''];
  const share = text
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .match(/.{1,4}/g)
    ?.join(' ');

  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: 'School key recovery share / 學校密碼匙復原分份' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res) => doc.on('end', () => res(Buffer.concat(chunks))));
  doc.registerFont('hk', PDF_FONT).font('hk');
  doc.fontSize(18).text('學校密碼匙復原分份');
  doc.fontSize(13).fillColor('#444').text('School key recovery share').fillColor('black');
  doc.moveDown(0.6);
  doc.fontSize(11);
  const line = (zh: string, en: string, value: string) => {
    doc.text(`${zh}  ${en}：`, { continued: true }).text(` ${value}`);
  };
  line('學校', 'School', `${school.name_zh} ${school.name_en}`);
  line('保管人', 'Holder', `${row.holder_name}（${roleZh} ${roleEn}）`);
  line('分份', 'Share', `${row.holder_no} / ${holders}（${row.threshold} 份可復原 · any ${row.threshold} recover the key）`);
  line('發出日期', 'Issued', `${zhDate} · ${enDate}`);
  line('密碼匙版本及指紋', 'Key version and fingerprint', `${row.key_version} · ${fingerprint}`);
  doc.moveDown(0.8);
  doc.fontSize(12).text('分份內容 Share');
  doc
    .rect(48, doc.y + 4, doc.page.width - 96, 70)
    .strokeColor('#000')
    .stroke();
  doc
    .fontSize(15)
    .text(share ?? '', 60, doc.y + 14, { width: doc.page.width - 120, characterSpacing: 1 })
    .moveDown(2);
  doc.x = 48;
  doc.fontSize(10.5);
  const steps: [string, string][] = [
    [
      '把這張紙放入信封封好，存放在安全地方（例如上鎖的抽屜或學校保險箱），不要拍照或存入電腦。',
      'Seal this sheet in an envelope and keep it somewhere safe (a locked drawer, the school safe). Do not photograph it or store it on a computer.',
    ],
    [
      `單憑這一份不能取回密碼匙；需要任何 ${row.threshold} 份一起使用。請不要把兩份放在同一處。`,
      `This share alone cannot recover the key; any ${row.threshold} shares together can. Never keep two shares in the same place.`,
    ],
    [
      '收到後，請在系統的「學校密碼匙」頁面輸入本分份，確認它可以讀取。',
      "When you receive it, type it into the system's School key page once, to confirm it can be read.",
    ],
    [
      '若學校密碼匙遺失，持有人會被請求在同一頁面輸入各自的分份以取回密碼匙；取回後應立即更換密碼匙。',
      'If the school key is lost, holders will be asked to type their shares on the same page to recover it; the key should then be changed at once.',
    ],
    ['密碼匙更換後，本分份即告失效，可以銷毀（碎紙）。', 'Once the key is changed this share no longer works and can be shredded.'],
  ];
  steps.forEach(([zh, en], i) => {
    doc.text(`${i + 1}. ${zh}`, { paragraphGap: 1 });
    doc.fillColor('#444').text(`    ${en}`, { paragraphGap: 6 }).fillColor('black');
  });
  doc.end();
  return done;
}
