import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../db/types.js';

export interface JobContext {
  db: Database;
  now: Date;
  /** Claim a unit of work once, ever (DESIGN rule 7): false if any process already did it. */
  claim(q: Queryable, key: string, schoolId?: string | null): Promise<boolean>;
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
          await job.run({ db: this.db, now, claim });
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

async function claim(q: Queryable, key: string, schoolId: string | null = null): Promise<boolean> {
  const rows = await q.query(
    'INSERT INTO job_runs (idem_key, job, school_id, ran_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING RETURNING idem_key',
    [key, key.split(':')[0], schoolId],
  );
  return rows.length > 0;
}
