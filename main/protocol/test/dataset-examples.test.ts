// The example publications in docs/datasets/ are what the registry takes: each parses as a
// DatasetFile, every item passes parseDatasetItem, and the examples agree with each other.
import { scryptSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FlightEntry, parseDatasetItem, PatientEntry, SiteConfig } from '../datasets.js';
import { DatasetFile, DatasetName } from '../registry-protocol.js';

const folder = fileURLToPath(new URL('../../../docs/datasets/', import.meta.url));
const load = (name: string) => DatasetFile.parse(JSON.parse(readFileSync(folder + name, 'utf8')));
const EXAMPLES = [
  'trust.example.json',
  'site-config.hospital.example.json',
  'site-config.airport.example.json',
  'roster.hospital.example.json',
  'roster.airport.example.json',
];

describe('docs/datasets examples', () => {
  it('are all there, and nothing else', () => {
    expect(readdirSync(folder).sort()).toEqual([...EXAMPLES].sort());
  });

  it.each(EXAMPLES)('%s is a valid publication of its dataset', (name) => {
    const dataset = DatasetName.parse(name.split('.')[0]);
    const { items } = load(name);
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
    for (const i of items) expect(() => parseDatasetItem(dataset, i.key, i.value)).not.toThrow();
    if (dataset === 'site-config') expect(items.map((i) => i.key)).toEqual(['site']);
  });

  it('agree with each other: appointments name the hospital clinics, flights leave from the airport', () => {
    const hospital = SiteConfig.parse(load('site-config.hospital.example.json').items[0]!.value);
    const airport = SiteConfig.parse(load('site-config.airport.example.json').items[0]!.value);
    if (hospital.kind !== 'hospital' || airport.kind !== 'airport') throw new Error('the examples are one hospital and one airport');
    const clinics = new Set(hospital.clinics.map((c) => c.id));
    for (const p of load('roster.hospital.example.json').items)
      for (const a of PatientEntry.parse(p.value).appointments) expect(clinics).toContain(a.clinic);
    for (const f of load('roster.airport.example.json').items) expect(FlightEntry.parse(f.value).from).toBe(airport.airport.code);
    // The short airport example leaves most fields to their defaults.
    expect(airport.timeouts.waitMs).toBe(60_000);
    expect(airport.face).toMatchObject({ liveness: 'refuse', required: true });
  });

  it('holds the hospital staff PIN the docs give (246810) as scrypt, not the PIN', () => {
    const hospital = SiteConfig.parse(load('site-config.hospital.example.json').items[0]!.value);
    const { salt, hash, N, r, p } = hospital.staffPin!.scrypt;
    expect(scryptSync('246810', Buffer.from(salt, 'base64'), Buffer.from(hash, 'base64').length, { N, r, p }).toString('base64')).toBe(
      hash,
    );
    expect(readFileSync(folder + 'site-config.hospital.example.json', 'utf8')).not.toMatch(/246810/);
  });

  it('fail on a broken item with the key and the field', () => {
    const [first] = load('roster.hospital.example.json').items;
    expect(() =>
      parseDatasetItem('roster', first!.key, { insurance: { ...(first!.value as { insurance: object }).insurance, level: 101 } }),
    ).toThrow(/^roster item "patient\/001085012345": insurance\.level: /);
  });
});
