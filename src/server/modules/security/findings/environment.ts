import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Config } from '../../../config.js';
import { ROOT } from '../../../paths.js';
import type { Environment } from './checks/types.js';
import type { Release } from './policy.js';

/**
 * What the installation knows of releases. It can only know those it was told about: the release
 * notes shipped with this build (`release-notes.json`, which never lists a later version), and a
 * list of published releases the operator places in the data folder (`known-releases.json`, the
 * same shape, e.g. copied from the project's site by a scheduled fetch). Without that list, a newer
 * security release cannot be known here, and the security centre says so instead of claiming the
 * build is current.
 */
export const KNOWN_RELEASES_FILE = 'known-releases.json';
export const SHIPPED_NOTES = join(ROOT, 'release-notes.json');

const ReleaseList = z.array(
  z.object({ version: z.string().min(1).max(40), date: z.iso.date(), security: z.boolean() }).transform((r): Release => r),
);

async function readReleases(file: string): Promise<Release[] | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON`);
  }
  const parsed = ReleaseList.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not a list of {version, date, security}`);
  return parsed.data;
}

let packageVersion: Promise<string> | undefined;
/** The running build's version, from its package.json. */
export function runningVersion(): Promise<string> {
  packageVersion ??= readFile(join(ROOT, 'package.json'), 'utf8').then((t) => (JSON.parse(t) as { version: string }).version);
  return packageVersion;
}

/** Forwarded headers this process has seen (per server, so two test servers in one process keep their own). */
export interface Sightings {
  forwardedAt: Date | null;
  forwardedHttpsAt: Date | null;
}
const sightingsBy = new WeakMap<object, Sightings>();
export function sightingsFor(config: Config): Sightings {
  let s = sightingsBy.get(config);
  if (!s) {
    s = { forwardedAt: null, forwardedHttpsAt: null };
    sightingsBy.set(config, s);
  }
  return s;
}

/** Note a request's forwarded headers (cheap: two header reads and, at most once a minute, a date). */
export function noteRequest(config: Config, headers: Record<string, string | string[] | undefined>, now: Date): void {
  const fwd = headers['x-forwarded-for'] ?? headers['x-forwarded-proto'] ?? headers.forwarded;
  if (!fwd) return;
  const s = sightingsFor(config);
  if (!s.forwardedAt || now.getTime() - s.forwardedAt.getTime() > 60_000) s.forwardedAt = now;
  const proto = headers['x-forwarded-proto'];
  if ((typeof proto === 'string' && proto.toLowerCase().startsWith('https')) || /proto=https/i.test(String(headers.forwarded ?? '')))
    s.forwardedHttpsAt = now;
}

/** Everything the checks need to know besides the database, read fresh for each run. */
export async function environment(config: Config): Promise<Environment> {
  let releasesProblem: string | null = null;
  const read = (file: string) =>
    readReleases(file).catch((err: unknown) => {
      releasesProblem = (err as Error).message;
      return null;
    });
  const shipped = (await read(SHIPPED_NOTES)) ?? [];
  const supplied = await read(join(config.DATA_DIR, KNOWN_RELEASES_FILE));
  return {
    config,
    version: await runningVersion(),
    releases: [...shipped, ...(supplied ?? [])],
    releasesSupplied: supplied !== null,
    releasesProblem,
    sightings: sightingsFor(config),
  };
}
