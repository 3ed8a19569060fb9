import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../db/types.js';
import { claimWork, type OrgKind, organisationIds } from './queries.js';

export interface JobContext {
  db: Database;
  now: Date;
  /** Claim a unit of work once, ever (DESIGN rule 7): false if any process already did it. */
  claim(q: Queryable, key: string, schoolId?: string | null): Promise<boolean>;
  /**
   * Runs `fn` for every organisation of the kind (or for the ids given), one after another. One school's failure is
   * reported and does not stop the others; the counts say how it went.
   */
  forEachSchool(
    which: OrgKind | 'any' | readonly string[],
    fn: (schoolId: string) => Promise<void>,
  ): Promise<{ done: number; failed: number }>;
}

export interface Job {
  name: string;
  everyMs: number;
  run(ctx: JobContext): Promise<void>;
}

const LOCK_ID = 7_391_002;

/**
 * Periodic jobs. A tick runs under a PostgreSQL advisory lock, so with several processes only one
 * runs the jobs at a time; each job claims its work by idempotency key, so a repeated tick sends nothing twice.
 */
export class Scheduler {
  private jobs: Job[] = [];
  private lastRun = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private db: Database,
    private clock: Clock,
    private onError: (job: string, err: unknown) => void,
  ) {}

  register(job: Job): void {
    this.jobs.push(job);
  }

  /** Run every job that is due (all of them with `force`). Tests call this after moving the clock. */
  async tick(force = false): Promise<string[]> {
    const ran: string[] = [];
    await this.db.exclusive(LOCK_ID, async () => {
      const now = this.clock.now();
      for (const job of this.jobs) {
        const last = this.lastRun.get(job.name);
        if (!force && last !== undefined && now.getTime() - last < job.everyMs) continue;
        this.lastRun.set(job.name, now.getTime());
        try {
          const forEachSchool = (which: OrgKind | 'any' | readonly string[], fn: (schoolId: string) => Promise<void>) =>
            eachSchool(this.db, which, fn, (schoolId, err) => this.onError(`${job.name} (school ${schoolId})`, err));
          await job.run({ db: this.db, now, claim, forEachSchool });
          ran.push(job.name);
        } catch (err) {
          this.onError(job.name, err);
        }
      }
    });
    return ran;
  }

  start(intervalMs = 30_000): void {
    this.timer = setInterval(() => void this.tick().catch((e) => this.onError('tick', e)), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

function claim(q: Queryable, key: string, schoolId: string | null = null): Promise<boolean> {
  return claimWork(q, key, key.split(':')[0] ?? key, schoolId);
}

/** The loop behind `forEachSchool`, exported for jobs and tests that run outside a tick. */
export async function eachSchool(
  db: Database,
  which: OrgKind | 'any' | readonly string[],
  fn: (schoolId: string) => Promise<void>,
  onError: (schoolId: string, err: unknown) => void,
): Promise<{ done: number; failed: number }> {
  const ids = typeof which === 'string' ? await db.system((q) => organisationIds(q, which)) : which;
  let failed = 0;
  for (const id of ids) {
    try {
      await fn(id);
    } catch (err) {
      failed++;
      onError(id, err);
    }
  }
  return { done: ids.length - failed, failed };
}
