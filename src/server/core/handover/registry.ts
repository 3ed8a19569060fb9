import type { Queryable } from '../db/types.js';

/** Something a person holds that must pass to a successor when they leave or change duties (memo U3). */
export interface Holding {
  kind: string;
  /** Identifies the holding within its kind (a role id, a class id …). */
  key: string;
  /** Shown to people: English and Chinese. */
  labelEn: string;
  labelZh: string;
}

export interface HoldingProvider {
  kind: string;
  list(q: Queryable, userId: string): Promise<Holding[]>;
  /** Move the holding to the successor, inside the handover's transaction. */
  transfer(q: Queryable, schoolId: string, holding: { key: string }, fromUserId: string, toUserId: string): Promise<void>;
}

/** Modules register what people can hold, the way they register checks; the handover plan reads them all. */
export class HoldingRegistry {
  private providers = new Map<string, HoldingProvider>();

  register(p: HoldingProvider): void {
    if (this.providers.has(p.kind)) throw new Error(`holding kind ${p.kind} registered twice`);
    this.providers.set(p.kind, p);
  }

  get(kind: string): HoldingProvider {
    const p = this.providers.get(kind);
    if (!p) throw new Error(`unknown holding kind ${kind}`);
    return p;
  }

  async holdingsOf(q: Queryable, userId: string): Promise<Holding[]> {
    const out: Holding[] = [];
    for (const p of this.providers.values()) out.push(...(await p.list(q, userId)));
    return out;
  }
}
