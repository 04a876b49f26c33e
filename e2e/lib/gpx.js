// The walk fixture (fixtures/walk.gpx, about 5 km in an hour) moved to a day a check-in can be
// for: its times shifted so it starts today at 07:00 in the district (UTC+8), `minutes` later
// if given — a different start is a different track, since the same track is refused twice.

import { readFileSync } from 'node:fs';
import path from 'node:path';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/walk.gpx');
const DISTRICT_MS = 8 * 3600 * 1000;

/** The walk as GPX text, starting today (district time) at 07:00 plus `minutes`. */
export function walkToday(minutes = 0) {
  const text = readFileSync(FIXTURE, 'utf8');
  const first = Date.parse(text.match(/<time>([^<]+)<\/time>/)[1]);
  const today = new Date(Date.now() + DISTRICT_MS).toISOString().slice(0, 10);
  const start = Date.parse(`${today}T07:00:00Z`) - DISTRICT_MS + minutes * 60_000;
  return text.replace(/<time>([^<]+)<\/time>/g, (_, t) => {
    const at = new Date(Date.parse(t) - first + start).toISOString().replace('.000Z', 'Z');
    return `<time>${at}</time>`;
  });
}
