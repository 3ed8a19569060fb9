import { z } from 'zod';

/** Corrections by hand in a survey return, and the ones that also reached the student's record. */

/** A row of a return that was corrected by hand: which columns, and whether the student's record was corrected too. */
export const CorrectedRow = z.strictObject({
  file: z.string(),
  /** 1-based, as the problems count rows. */
  row: z.number().int().min(1),
  columns: z.array(z.string()),
  record: z.boolean(),
});

/** A row whose corrected particulars should also be written to the student's record. */
export const RecordCorrection = z.strictObject({
  file: z.string().max(40),
  row: z.number().int().min(1).max(20_000),
});
