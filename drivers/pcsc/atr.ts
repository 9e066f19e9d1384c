// What the ATR (ISO/IEC 7816-3) tells a reader about the card: its historical bytes, and from
// their card capabilities (ISO/IEC 7816-4 §8.1.1.2.7) whether it takes extended-length APDUs.

export interface AtrInfo {
  historical: Uint8Array;
  extendedLength: boolean;
}

export function parseAtr(atr: Uint8Array): AtrInfo {
  const none = { historical: new Uint8Array(0), extendedLength: false };
  if (atr.length < 2 || (atr[0] !== 0x3b && atr[0] !== 0x3f)) return none;
  const t0 = atr[1]!;
  const k = t0 & 0x0f;
  let i = 2;
  let y = t0 >> 4;
  for (let guard = 0; guard < 8; guard++) {
    let td: number | null = null;
    if (y & 1) i++;
    if (y & 2) i++;
    if (y & 4) i++;
    if (y & 8) {
      if (i >= atr.length) return none;
      td = atr[i++]!;
    }
    if (td === null) break;
    y = td >> 4;
  }
  if (i + k > atr.length) return none;
  const historical = atr.subarray(i, i + k);
  let extendedLength = false;
  if (historical[0] === 0x80) {
    // Category 80: COMPACT-TLV objects follow.
    let j = 1;
    while (j < historical.length) {
      const tag = historical[j]! >> 4;
      const len = historical[j]! & 0x0f;
      const value = historical.subarray(j + 1, j + 1 + len);
      if (value.length < len) break;
      if (tag === 0x7 && len >= 3) extendedLength = (value[2]! & 0x40) !== 0;
      j += 1 + len;
    }
  }
  return { historical, extendedLength };
}
