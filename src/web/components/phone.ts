import { useMediaQuery } from '@mantine/hooks';

/** Phones (below Mantine's `sm`, 48em): the width at which a table's columns stop fitting. */
export const PHONE_QUERY = '(max-width: 47.99em)';

/** True on a phone-width screen, right from the first render (no flash of the wide layout). */
export function useIsPhone(): boolean {
  return useMediaQuery(PHONE_QUERY, false, { getInitialValueInEffect: false });
}
