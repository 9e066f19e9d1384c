// ICAO Doc 9303 Part 11 worked examples (copied from the project's shared vectors; see the
// file's "_about" for sources and notes). Looked up by section and value name.
import { readFileSync } from 'node:fs';
import { fromHex } from '../bytes.js';

type Entry = { name: string; hex?: string; value?: string };
const data = JSON.parse(readFileSync(new URL('./fixtures/icao9303-part11.json', import.meta.url), 'utf8')) as Record<
  string,
  { values: Entry[] }
>;

export function vector(section: string, name: string): Uint8Array {
  const e = data[section]?.values.find((v) => v.name === name);
  if (!e?.hex) throw new Error(`no hex vector ${section} / ${name}`);
  return fromHex(e.hex);
}

export function vectorText(section: string, name: string): string {
  const e = data[section]?.values.find((v) => v.name === name);
  if (!e?.value) throw new Error(`no text vector ${section} / ${name}`);
  return e.value;
}

export const BAC = 'icao9303_p11_appD_bac';
export const SM3DES = 'icao9303_p11_appD4_secure_messaging_3des';
export const PACE = 'icao9303_p11_appG1_pace_ecdh_gm_brainpoolP256r1';
export const AA = 'active_authentication_real_capture';
