// The LDS files of an eMRTD application (ICAO Doc 9303 Part 10): file id, short file id, tag.
export type LdsFile = 'COM' | 'SOD' | `DG${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16}`;

export interface FileInfo {
  name: LdsFile;
  fid: number;
  sfi: number;
  tag: number;
  /** Data group number, 0 for COM and SOD. */
  dg: number;
}

const DG_TAGS = [0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70];

export const LDS_FILES: readonly FileInfo[] = [
  { name: 'COM', fid: 0x011e, sfi: 0x1e, tag: 0x60, dg: 0 },
  { name: 'SOD', fid: 0x011d, sfi: 0x1d, tag: 0x77, dg: 0 },
  ...DG_TAGS.map((tag, i) => ({ name: `DG${i + 1}` as LdsFile, fid: 0x0101 + i, sfi: i + 1, tag, dg: i + 1 })),
];

export function fileByName(name: LdsFile): FileInfo {
  return LDS_FILES.find((f) => f.name === name)!;
}

export function fileByTag(tag: number): FileInfo | undefined {
  return LDS_FILES.find((f) => f.tag === tag);
}

export function fileByDg(dg: number): FileInfo | undefined {
  return LDS_FILES.find((f) => f.dg === dg && dg > 0);
}

/** EF.CardAccess lives in the master file, outside the eMRTD application. */
export const CARD_ACCESS = { fid: 0x011c, sfi: 0x1c } as const;

/** The eMRTD application identifier. */
export const EMRTD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01);
