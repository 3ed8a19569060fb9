import { hkTime } from '../../../core/hk-time.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { pdfTable } from '../../../core/pdf.js';
import { findCompletion, findReportCsv, listDecisions } from '../queries/reviews.js';
import { findSchoolNames } from '../queries/school.js';

/** The report kept when the campaign was completed (CSV, both languages). */
export async function reviewReport(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string): Promise<string> {
  const r = await d.db.school(schoolId, (q) => findReportCsv(q, id));
  if (!r) throw new AppError('not_found');
  if (!r.report_csv) throw new AppError('review_incomplete');
  return r.report_csv;
}

const RECOMMENDATION: Record<string, string> = {
  inactive: '60 日未登入 Inactive 60 days',
  staff_left: '已離職 Left',
  staff_on_leave: '休假中 On leave',
};
const hk = (t: Date) => {
  const at = hkTime(t);
  return `${at.date} ${at.time}`;
};

/** The same report as a PDF in both languages, built from the decisions, which cannot change once completed. */
export async function reviewReportPdf(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string): Promise<Buffer> {
  const { rows, review, school } = await d.db.school(schoolId, async (q) => {
    const review = await findCompletion(q, id);
    if (!review) throw new AppError('not_found');
    if (review.status !== 'completed') throw new AppError('review_incomplete');
    const school = await findSchoolNames(q, schoolId);
    const rows = await listDecisions(q, id);
    return { rows, review, school };
  });
  return pdfTable({
    title: `權限覆核報告 Access review report — ${review.name}`,
    subtitle: `${school?.name_zh ?? ''} ${school?.name_en ?? ''} · 完成 Completed ${review.completed_at ? hk(review.completed_at) : ''} (HKT) · ${review.completed_by ?? ''} · ${rows.length} 項 items, ${rows.filter((r) => r.decision === 'remove').length} 項撤銷 removed`,
    headers: [
      '用戶 User',
      '姓名 Name',
      '角色 Role',
      '建議 Recommendation',
      '決定 Decision',
      '理由 Reason',
      '覆核人 Reviewer',
      '時間 Time (HKT)',
    ],
    widths: [10, 16, 16, 13, 9, 20, 9, 11],
    rows: rows.map((r) => [
      r.username,
      `${r.display_name_en} ${r.display_name_zh ?? ''}`.trim(),
      `${r.role_en} ${r.role_zh}`,
      r.recommendation ? (RECOMMENDATION[r.recommendation] ?? r.recommendation) : '—',
      r.decision === 'keep' ? '保留 Keep' : '撤銷 Remove',
      r.reason,
      r.reviewer,
      hk(r.decided_at),
    ]),
  });
}
