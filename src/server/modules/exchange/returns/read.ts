import type { z } from 'zod';
import type { ReturnView } from '../../../../contracts/exchange.js';
import type { Actor } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import type { ExchangeDeps } from '../common.js';
import { listReturnEvents } from '../queries/events.js';
import { findLatestReturnPackage } from '../queries/packages.js';
import { findReturnPeople } from '../queries/returns.js';
import type { Pkg } from '../types.js';
import { toReturnView } from '../views.js';
import { returnRow } from './records.js';

/** One return with its rows, problems, the people who prepared, approve and approved it, and its history. */
export async function getReturn(d: ExchangeDeps, a: Actor, id: string): Promise<z.infer<typeof ReturnView>> {
  return d.db.school(a.schoolId, async (q) => {
    const r = await returnRow(q, id);
    const people = await findReturnPeople(q, id);
    const history = await listReturnEvents(q, id);
    return toReturnView(r, people, history);
  });
}

/** The package last sent for a return, as a file the school can keep. */
export async function returnPackage(d: ExchangeDeps, a: Actor, id: string): Promise<Pkg> {
  const p = await d.db.school(a.schoolId, (q) => findLatestReturnPackage(q, id));
  if (!p) throw new AppError('not_found');
  return p;
}
