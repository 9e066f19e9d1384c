// EF.COM: LDS version, Unicode version, and the tags of the data groups present.
import { fail } from '../errors.js';
import { expectTlv, findTlv, readTlvs, tlv } from '../tlv.js';
import { fileByTag, type LdsFile } from './files.js';

export interface Com {
  ldsVersion: string;
  unicodeVersion: string;
  dataGroups: LdsFile[];
  /** Tags listed that name no known data group. */
  unknownTags: number[];
}

const text = (b: Uint8Array) => new TextDecoder('latin1').decode(b);

export function parseCom(bytes: Uint8Array): Com {
  const inner = readTlvs(expectTlv(bytes, 0x60, 'EF.COM').value);
  const list = findTlv(inner, 0x5c);
  if (!list) fail('malformed-lds', 'EF.COM has no tag list (5C)');
  const dataGroups: LdsFile[] = [];
  const unknownTags: number[] = [];
  for (const t of list.value) {
    const f = fileByTag(t);
    if (f && f.dg > 0) dataGroups.push(f.name);
    else unknownTags.push(t);
  }
  return {
    ldsVersion: text(findTlv(inner, 0x5f01)?.value ?? new Uint8Array()),
    unicodeVersion: text(findTlv(inner, 0x5f36)?.value ?? new Uint8Array()),
    dataGroups,
    unknownTags,
  };
}

export function encodeCom(tags: number[], ldsVersion = '0107', unicodeVersion = '040000'): Uint8Array {
  const enc = new TextEncoder();
  return tlv(0x60, tlv(0x5f01, enc.encode(ldsVersion)), tlv(0x5f36, enc.encode(unicodeVersion)), tlv(0x5c, Uint8Array.from(tags)));
}
