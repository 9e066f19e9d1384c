// The fleet page's pure parts: which alerts a kiosk's row calls for, and the charts' gaps.
import { describe, expect, it } from 'vitest';
import { svgChart } from '../fleet-charts.js';
import { durationText } from '../fleet-page.js';
import { ALERT_AFTER_MS, derivedAlerts, type FleetKioskView } from '../fleet-view.js';
import { adviceFor, ALERT_ADVICE } from '../fleet-words.js';

const NOW = Date.parse('2026-11-30T08:00:00Z');
const MIN = 60_000;

function kiosk(over: Partial<FleetKioskView> = {}, enrolledAgoMs = 60 * MIN): FleetKioskView & { enrolledAt: number } {
  return {
    id: 'k',
    site: 'bv-a',
    name: 'quầy 1',
    lastSeen: new Date(NOW - MIN).toISOString(),
    queue: 0,
    oldestQueuedMs: 0,
    lastLagMs: null,
    checkins: 10,
    chainAlerts: 0,
    disputedRows: 0,
    datasets: [
      { name: 'trust', have: 3, current: 3, stale: false },
      { name: 'site-config', have: 1, current: 2, stale: true },
      { name: 'roster', have: null, current: 0, stale: false },
    ],
    revoked: false,
    enrolledAt: NOW - enrolledAgoMs,
    ...over,
  };
}
const kinds = (k: ReturnType<typeof kiosk>, published = new Map<string, number>()) => derivedAlerts(k, published, NOW).map((a) => a.kind);

describe('derived alerts', () => {
  it('says nothing of a kiosk in contact with nothing waiting and its datasets current', () => {
    expect(kinds(kiosk())).toEqual([]);
  });

  it('finds a silent kiosk, one never seen, a queue that waits, a version not taken up; none for a revoked one', () => {
    expect(kinds(kiosk({ lastSeen: new Date(NOW - ALERT_AFTER_MS - 1).toISOString() }))).toEqual(['kiosk-silent']);
    expect(kinds(kiosk({ lastSeen: null }))).toEqual(['kiosk-never-seen']);
    expect(kinds(kiosk({ lastSeen: null }, 5 * MIN))).toEqual([]); // just enrolled
    expect(kinds(kiosk({ queue: 4, oldestQueuedMs: 9 * MIN }))).toEqual([]); // 9 min + 1 min since: exactly 10, not over
    expect(kinds(kiosk({ queue: 4, oldestQueuedMs: 9 * MIN + 1 }))).toEqual(['queue-behind']);
    // site-config 2 published 30 minutes ago for this site, and the kiosk was seen since: stale.
    expect(kinds(kiosk(), new Map([['site-config|bv-a', NOW - 30 * MIN]]))).toEqual(['dataset-stale']);
    // Published 5 minutes ago: it has not had the time yet.
    expect(kinds(kiosk(), new Map([['site-config|bv-a', NOW - 5 * MIN]]))).toEqual([]);
    expect(kinds(kiosk({ revoked: true, lastSeen: null }))).toEqual([]);
  });

  it('has a title and what to do in both languages for every kind, and a plain pointer for a kind it does not know', () => {
    for (const [kind, words] of Object.entries(ALERT_ADVICE))
      for (const lang of ['vi', 'en'] as const) {
        expect(words[lang].title.length, `${kind} ${lang}`).toBeGreaterThan(3);
        expect(words[lang].todo.length, `${kind} ${lang}`).toBeGreaterThan(40);
      }
    expect(adviceFor('something-new', 'en')).toEqual({ title: 'something-new', todo: "Read the detail and the registry's log." });
  });
});

describe('charts and durations', () => {
  it('draws a missing sample as a gap in a line, never as zero', () => {
    const points = [0, 1, 2, 5, 6].map((i) => ({ at: NOW - 10 * MIN + i * MIN, value: i + 1 }));
    const svg = svgChart({
      label: 'queue <x>',
      points,
      from: NOW - 10 * MIN,
      to: NOW,
      bucketMs: MIN,
      format: String,
      shape: 'line',
      colour: '#000',
      startLabel: 'a',
      endLabel: 'b',
    });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('role="img" aria-label="queue &#60;x&#62;"');
    expect(svg).not.toMatch(/style=|<script/);
  });

  it('words durations in each language', () => {
    expect([
      durationText(12_000, 'vi'),
      durationText(5 * MIN, 'vi'),
      durationText(3 * 3_600_000, 'en'),
      durationText(3 * 86_400_000, 'en'),
    ]).toEqual(['12 giây', '5 phút', '3.0 h', '3.0 d']);
  });
});
