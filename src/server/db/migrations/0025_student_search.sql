-- Student search (issue 10): part of a name, an STRN or a registration number finds the student, and a
-- Chinese name matches with or without spaces ("劉 子浩" finds 劉子浩). One trigram index over the text
-- searched, so a search reads the index rather than every student; queries/students.ts writes the same
-- expression (STUDENT_SEARCH_TEXT), which is how the planner matches it to this index. The Chinese name
-- loses its spaces, half-width and full-width (U+3000).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX students_search ON students USING gin (
  (reg_no || ' ' || coalesce(strn, '') || ' ' || name_en || ' ' || translate(coalesce(name_zh, ''), ' 　', '')) gin_trgm_ops
);
