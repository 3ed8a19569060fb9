import type { PermissionKey } from '../../../contracts/permissions.js';
import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../db/types.js';
import { ownerNames } from './queries.js';

export type MemoArea = 'user' | 'operation' | 'security' | 'learning' | 'cloud';
/** `error`: the check itself failed and could not say; the others still show. */
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
  /** Who must act when it is not ok: the people who hold this permission (DESIGN: every check names its owner). */
  owner: PermissionKey;
  /**
   * The right the page behind the check's `link` needs (the web's route guard for that page). A dashboard
   * reader without it gets the read-only view of the check instead, and a way to ask the owner.
   */
  linkPermission: PermissionKey;
  evaluate(ctx: CheckContext): Promise<CheckResult>;
}

export interface CheckOutcome {
  key: string;
  memo: string;
  area: MemoArea;
  status: CheckStatus | 'error';
  summaryKey: string;
  params: Record<string, string | number>;
  evidence: string[];
  link: string | null;
  linkPermission: PermissionKey;
  due: string | null;
  owner: { permission: PermissionKey; people: string[] };
}

/** People named as a check's owner: the active holders of its permission, by name, at most this many. */
const OWNER_NAMES = 5;

/** Governance checks: modules register one per memo item they serve; the dashboard reads them all. */
export class CheckRegistry {
  private checks = new Map<string, Check>();

  constructor(private readonly log: (msg: string, err: unknown) => void = () => undefined) {}

  register(c: Check): void {
    if (!/^memo\.[UOSLC]\d\.[a-z0-9-]+$/.test(c.key)) throw new Error(`check key ${c.key} must look like memo.U1.some-name`);
    if (!c.key.startsWith(`memo.${c.memo}.`)) throw new Error(`check ${c.key} does not match memo item ${c.memo}`);
    if (this.checks.has(c.key)) throw new Error(`check ${c.key} registered twice`);
    this.checks.set(c.key, c);
  }

  list(): Check[] {
    return [...this.checks.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  get(key: string): Check | undefined {
    return this.checks.get(key);
  }

  /**
   * Every check for one school, each on its own connection turn: a check that throws shows as
   * `error` ("could not be evaluated") and the others still show.
   */
  async evaluateAll(db: Database, schoolId: string, clock: Clock): Promise<CheckOutcome[]> {
    const now = clock.now();
    const owners = new Map<PermissionKey, string[]>();
    const out: CheckOutcome[] = [];
    for (const c of this.list()) out.push(await this.evaluateCheck(db, schoolId, now, c, owners));
    return out;
  }

  /** One check for one school (the read-only view of a dashboard item); undefined when no such check is registered. */
  async evaluateOne(db: Database, schoolId: string, clock: Clock, key: string): Promise<CheckOutcome | undefined> {
    const c = this.checks.get(key);
    return c ? this.evaluateCheck(db, schoolId, clock.now(), c, new Map()) : undefined;
  }

  private async evaluateCheck(
    db: Database,
    schoolId: string,
    now: Date,
    c: Check,
    owners: Map<PermissionKey, string[]>,
  ): Promise<CheckOutcome> {
    const base = { key: c.key, memo: c.memo, area: areaOf(c.memo), linkPermission: c.linkPermission };
    let people = owners.get(c.owner);
    if (!people) {
      // Naming the owner is a courtesy: if it fails, the check still shows, with nobody named.
      people = await db
        .school(schoolId, (q) => ownerNames(q, c.owner, OWNER_NAMES))
        .catch((err: unknown) => {
          this.log(`owners of ${c.key} could not be listed`, err);
          return [];
        });
      owners.set(c.owner, people);
    }
    const owner = { permission: c.owner, people };
    try {
      const r = await db.school(schoolId, (q) => c.evaluate({ q, schoolId, now }));
      return {
        ...base,
        status: r.status,
        summaryKey: r.summaryKey,
        params: r.params ?? {},
        evidence: r.evidence ?? [],
        link: r.link ?? null,
        due: r.due?.toISOString() ?? null,
        owner,
      };
    } catch (err) {
      this.log(`check ${c.key} could not be evaluated`, err);
      return { ...base, status: 'error', summaryKey: 'checks.error', params: {}, evidence: [], link: null, due: null, owner };
    }
  }
}
