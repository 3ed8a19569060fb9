/** Time is injected (DESIGN rule 6): tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** The calendar date in Hong Kong (UTC+8, no daylight saving) of a moment, as YYYY-MM-DD. */
export const hongKongDate = (d: Date): string => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** A clock tests can move. */
export class ManualClock implements Clock {
  constructor(private t = new Date('2026-09-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.t.getTime());
  }
  set(d: Date): void {
    this.t = new Date(d.getTime());
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}
