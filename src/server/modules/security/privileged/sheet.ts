import { hkTime } from '../../../core/hk-time.js';
import { pdfSheet } from '../../../core/pdf.js';

export interface SheetFacts {
  school: { nameZh: string; nameEn: string; number: string };
  username: string;
  password: string;
  sealedAt: Date;
  sealedBy: string;
  due: Date;
}

/** The printed break-glass sheet (memo S1): the only place its password exists. Both languages. */
export function breakGlassSheet(f: SheetFacts): Promise<Buffer> {
  const sealed = hkTime(f.sealedAt);
  const due = hkTime(f.due);
  return pdfSheet({
    title: '緊急管理員帳戶密封頁 Break-glass administrator account',
    subtitle: `${f.school.nameZh} ${f.school.nameEn}`,
    fields: [
      ['學校編號 School code', f.school.number],
      ['登入名稱 Sign-in name', f.username],
      ['密封時間 Sealed on (Hong Kong time)', `${sealed.dateZh} ${sealed.time}  /  ${sealed.date} ${sealed.time}`],
      ['列印者 Printed by', f.sealedBy],
      ['最遲更換日期 Replace by', `${due.dateZh}  /  ${due.date}`],
    ],
    secret: { label: '密碼 Password（只存在於此頁 exists only on this sheet）', value: f.password },
    notes: [
      '把此頁放入信封密封，存放於學校保險箱。只在所有具名系統管理員都無法登入時使用。此帳戶毋須第二重認證，但仍受網絡規則限制。',
      'Seal this sheet in an envelope and keep it in the school safe. Use it only when none of the named system administrators can sign in. The account needs no second factor, but the network rules still apply.',
      '一經使用，保安通知名單上的人員會立即收到通知，而此頁即告失效：帳戶不能再次登入，直至系統管理員在「特權帳戶」頁列印新的一頁。列印新的一頁亦會令此頁失效。',
      'Using it tells the security notification list at once, and spends this sheet: the account cannot sign in again until a system administrator prints a new one on the privileged accounts page. Printing a new sheet also voids this one.',
    ],
  });
}
