/**
 * A request body's shape, read from its text in one linear, non-recursive pass before JSON.parse
 * and before anything that walks the parsed value (validation, serialisation) can recurse on it.
 */

/** Deeper than any body a route accepts (the deepest contract is a handful of levels); refused before parsing. */
export const MAX_BODY_DEPTH = 64;

export type BodyFault = 'too_deep' | 'nul';

/** Outside a string only quotes and brackets matter. */
const OUTSIDE = /["[\]{}]/g;

/**
 * The first reason to refuse a JSON text without parsing it: nesting deeper than `maxDepth`, or an
 * escaped NUL (`\u0000`, which PostgreSQL text cannot hold). Malformed text is left to the parser.
 * Stops as soon as the depth is exceeded, so a 1 MB `[[[…` costs as much as 65 characters; inside
 * strings it jumps from quote to backslash by indexOf, so an 8 MB base64 file is a few milliseconds.
 */
export function bodyFault(text: string, maxDepth = MAX_BODY_DEPTH): BodyFault | null {
  let depth = 0;
  let i = 0;
  // The next quote and backslash at or after i, found again only once passed: linear however they mix.
  let quote = -1;
  let backslash = -1;
  for (;;) {
    OUTSIDE.lastIndex = i;
    const m = OUTSIDE.exec(text);
    if (!m) return null;
    const c = m[0];
    i = m.index + 1;
    if (c === '[' || c === '{') {
      if (++depth > maxDepth) return 'too_deep';
    } else if (c === ']' || c === '}') {
      depth--;
    } else {
      // A string: find its closing quote, looking at each escape on the way.
      for (;;) {
        if (quote < i) quote = text.indexOf('"', i);
        if (quote < 0) return null;
        if (backslash < i) {
          const at = text.indexOf('\\', i);
          backslash = at < 0 ? Infinity : at;
        }
        if (backslash > quote) {
          i = quote + 1;
          break;
        }
        if (text.startsWith('u0000', backslash + 1)) return 'nul';
        i = backslash + 2; // the escaped character (a quote or backslash included) is not structure
      }
    }
  }
}
