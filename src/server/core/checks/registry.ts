import type { Clock } from '../clock.js';
import type { Queryable } from '../db/types.js';

export type MemoArea = 'user' | 'operation' | 'security' | 'learning' | 'cloud';
export type CheckStatus = 'ok' | 'attention' | 'overdue';

const AREA_OF: Record<string, MemoArea> = { U: 'user', O: 'operation', S: 'security', L: 'learning', C: 'cloud' };
export const areaOf = (memo: string): MemoArea => {
  const a = AREA_OF[memo.charAt(0)];
  if (!a) throw new Error(`unknown memo item ${memo}`);
  return a;
};

export interface CheckResult {
  status: CheckStatus;
  summaryKey: string;
  params?: Record<string, string | number>;
  evidence?: string[];
  link?: string | null;
  due?: Date | null;
}

export interface CheckContext {
  q: Queryable;
  schoolId: string;
  now: Date;
}

export interface Check {
  key: string;
  memo: string;
  evaluate(ctx: CheckContext): Promise<CheckResult>;
}

/** Governance checks: modules register one per memo item they serve; the dashboard reads them all. */
export class CheckRegistry {
  private checks = new Map<string, Check>();

  register(c: Check): void {
    if (!/^memo\.[UOSLC]\d\.[a-z0-9-]+$/.test(c.key)) throw new Error(`check key ${c.key} must look like memo.U1.some-name`);
    if (!c.key.startsWith(`memo.${c.memo}.`)) throw new Error(`check ${c.key} does not match memo item ${c.memo}`);
    if (this.checks.has(c.key)) throw new Error(`check ${c.key} registered twice`);
    this.checks.set(c.key, c);
  }

  list(): Check[] {
    return [...this.checks.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  async evaluateAll(q: Queryable, schoolId: string, clock: Clock) {
    const now = clock.now();
    const out = [];
    for (const c of this.list()) {
      const r = await c.evaluate({ q, schoolId, now });
      out.push({
        key: c.key,
        memo: c.memo,
        area: areaOf(c.memo),
        status: r.status,
        summaryKey: r.summaryKey,
        params: r.params ?? {},
        evidence: r.evidence ?? [],
        link: r.link ?? null,
        due: r.due?.toISOString() ?? null,
      });
    }
    return out;
  }
}
