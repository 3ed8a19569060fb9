import type { FINDING_CHECKS } from '../../../../../contracts/security-findings.js';
import type { PermissionKey } from '../../../../../contracts/permissions.js';
import type { Config } from '../../../../config.js';
import type { Queryable } from '../../../../core/db/types.js';
import type { Release, Severity } from '../policy.js';

export type FindingCheckKey = (typeof FINDING_CHECKS)[number];

/** One thing a check found: what it is about (`subject`: a person's id, a version, or '' for the school) and the words' parameters. */
export interface Trip {
  subject: string;
  params: Record<string, string | number>;
  /** When this finding is more (or less) serious than the check's usual severity. */
  severity?: Severity;
}

/** What the installation knows about itself, beside the database. */
export interface Environment {
  config: Pick<Config, 'COOKIE_SECURE' | 'TRUST_PROXY' | 'PUBLIC_URL' | 'SMTP_URL' | 'SESSION_IDLE_MINUTES' | 'SESSION_ABSOLUTE_HOURS'>;
  /** The running build's version (package.json). */
  version: string;
  /** Releases this installation knows were published: shipped notes, plus the operator's list when supplied. */
  releases: readonly Release[];
  /** Whether the operator supplied a list of published releases (without it, a newer release cannot be known). */
  releasesSupplied: boolean;
  /** A release list that could not be read: the build check fails (and says so) rather than passing. */
  releasesProblem: string | null;
  /** When this process last saw forwarded headers (any / saying https) on a request. */
  sightings: { forwardedAt: Date | null; forwardedHttpsAt: Date | null };
}

export interface LookContext {
  q: Queryable;
  schoolId: string;
  now: Date;
  env: Environment;
}

/** A security check: a small function over the school's connection that returns what trips it now (empty: nothing). */
export interface FindingCheck {
  key: FindingCheckKey;
  severity: Severity;
  /** Who must act: the holders of this permission. */
  owner: PermissionKey;
  look(ctx: LookContext): Promise<Trip[]>;
}
