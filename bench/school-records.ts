/**
 * `npm run bench:records`: issue 3's figures on PGlite and PostgreSQL, through the real stack.
 *  - import 2,000 students from an XLSX file (preview + commit), target < 5 s
 *  - student list, first page filtered by class, in a 2,000-student school: API p50, target < 20 ms
 *  - search by part of a Chinese name: API p50, target < 30 ms (also typed with a space, and by part of an STRN)
 */

import ExcelJS from 'exceljs';
import { hkidWithCheck, strnWithCheck } from '../src/server/modules/school/identity.js';
import { KINDS, type Kind, benchSchool, label, p50 } from './helpers.js';
const N = 2000;

async function one(kind: Kind) {
  const b = await benchSchool(kind);
  const { call } = b;
  const yearId = (await call('POST', '/api/school/years', { startYear: 2026 })).id;
  const classes: string[] = [];
  for (let level = 1; level <= 6; level++)
    for (const l of 'ABCDEFGHIJ'.slice(0, 10)) {
      if (classes.length >= 58) break;
      await call('POST', '/api/school/classes', {
        yearId,
        code: `${level}${l}`,
        level: `S${level}`,
        nameZh: `中${level}${l}`,
        nameEn: `Secondary ${level}${l}`,
      });
      classes.push(`${level}${l}`);
    }
  const SUR = ['陳', '李', '張', '黃', '林', '劉', '吳', '梁', '何', '郭'];
  const GIV = ['嘉', '欣', '志', '明', '偉', '文', '詩', '婷', '俊', '傑', '家', '豪'];
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('students');
  ws.addRow([
    'reg_no',
    'strn',
    'name_zh',
    'name_en',
    'sex',
    'date_of_birth',
    'id_type',
    'id_number',
    'entry_date',
    'class',
    'class_number',
  ]);
  for (let i = 0; i < N; i++) {
    const zh = `${SUR[i % 10]}${GIV[(i * 7) % 12]}${GIV[(i * 5 + 3) % 12]}`;
    ws.addRow([
      `R${100000 + i}`,
      strnWithCheck('S', String(600000 + i)),
      zh,
      `Student Name ${i}`,
      i % 2 ? 'M' : 'F',
      '2012-04-05',
      'hkid',
      hkidWithCheck('C', String(300000 + i)),
      '2024-09-01',
      classes[i % classes.length],
      Math.floor(i / classes.length) + 1,
    ]);
  }
  const file = Buffer.from(await wb.xlsx.writeBuffer());
  const body = { fileName: 'students.xlsx', contentBase64: file.toString('base64') };
  const t0 = performance.now();
  const preview = await call('POST', '/api/imports/students/preview', body);
  const t1 = performance.now();
  const commit = await call('POST', '/api/imports/students/commit', body);
  const t2 = performance.now();
  if (!commit.committed || commit.create !== N)
    throw new Error(`import did not commit: ${JSON.stringify({ ...commit, issues: commit.issues.slice(0, 3) })}`);
  if (preview.issues.length) throw new Error('preview found issues');

  const classId = (await call('GET', '/api/school/classes')).classes.find((c: { code: string }) => c.code === '3C').id;
  const timed = async (path: string) => {
    let rows = 0;
    const ms = await p50(60, async () => (rows = (await call('GET', path)).students.length));
    return { ms, rows };
  };
  const list = await timed(`/api/students?classId=${classId}&limit=50`);
  const search = await timed(`/api/students?q=${encodeURIComponent('陳嘉')}&limit=50`);
  const spaced = await timed(`/api/students?q=${encodeURIComponent('陳 嘉')}&limit=50`);
  const strn = await timed(`/api/students?q=${strnWithCheck('S', '601234').slice(2, 7)}&limit=50`);
  console.log(`== ${label(kind)}: ${N} students, ${classes.length} classes, XLSX ${(file.length / 1024).toFixed(0)} KB`);
  console.log(
    `import from XLSX: preview ${((t1 - t0) / 1000).toFixed(2)} s + commit ${((t2 - t1) / 1000).toFixed(2)} s = ${((t2 - t0) / 1000).toFixed(2)} s (target < 5 s)`,
  );
  console.log(`list, first page of one class: p50 ${list.ms.toFixed(1)} ms, ${list.rows} rows (target < 20 ms)`);
  console.log(`search by part of a Chinese name: p50 ${search.ms.toFixed(1)} ms, ${search.rows} rows (target < 30 ms)`);
  console.log(
    `  typed with a space: p50 ${spaced.ms.toFixed(1)} ms, ${spaced.rows} rows; part of an STRN: p50 ${strn.ms.toFixed(1)} ms, ${strn.rows} rows\n`,
  );
  await b.close();
}

for (const k of KINDS) await one(k);
process.exit(0);
