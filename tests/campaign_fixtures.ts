/**
 * Campaign test set-up: a runner around a test app, a time zone where it is
 * the middle of the day now (so quiet hours never hold a test's messages
 * by accident), and numbers whose area code (555) places nobody, so they
 * get that zone.
 */
import type { Db } from "../db/client.ts";
import {
  CampaignRunner,
  type CampaignRunnerOptions,
} from "../services/campaign_runner.ts";
import type { Clock } from "../services/clock.ts";

/** An Etc/GMT zone where the local time at `now` is between 12:00 and 13:00. */
export function middayZone(now = Date.now()): string {
  const n = 12 - new Date(now).getUTCHours();
  if (n === 0) return "Etc/GMT";
  // Etc/GMT-5 is five hours *ahead* of UTC (POSIX sign)
  return n > 0 ? `Etc/GMT-${n}` : `Etc/GMT+${-n}`;
}

/** `count` distinct +1 555 numbers (no time zone of their own). */
export function fictionNumbers(count: number, from = 0): string[] {
  return Array.from(
    { length: count },
    (_, i) => `+1555${String(2000000 + from + i).padStart(7, "0")}`,
  );
}

/** A runner for the test's database; `stop()` it in `finally`. */
export function testRunner(
  t: { db: Db; clock: Clock },
  opts: Partial<CampaignRunnerOptions> = {},
): CampaignRunner {
  return new CampaignRunner({
    db: t.db,
    clock: t.clock,
    defaultTimeZone: middayZone(t.clock()),
    ratePerSecond: 0,
    pollMs: 20,
    ...opts,
  });
}
