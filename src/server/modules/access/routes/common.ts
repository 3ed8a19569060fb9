import { z } from 'zod';

/** A write that answers with no body. */
export const NoContent = { 204: z.null() };
