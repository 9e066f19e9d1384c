// A trust folder (docs/ARCHITECTURE.md, "Command-line conventions"): CSCA certificates and
// CRLs, PEM or DER, any names with .pem .crt .cer .der .crl; key files and anything else are ignored.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { TrustStore, type TrustFile, type TrustLoad } from '../../drivers/emrtd/cert/trust-store.js';

const EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.der', '.crl']);
const MAX_FILE = 4 * 1024 * 1024;

export function loadTrustFolder(dir: string): TrustLoad {
  return TrustStore.fromFiles(readTrustFolder(dir));
}

/** The folder's certificate and CRL files, as bytes (parsed by TrustStore.fromFiles). */
export function readTrustFolder(dir: string): TrustFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new Error(`cannot read the trust folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const files = names
    .filter((n) => EXTENSIONS.has(extname(n).toLowerCase()))
    .map((n) => join(dir, n))
    .filter((p) => {
      const s = statSync(p);
      return s.isFile() && s.size <= MAX_FILE;
    })
    .map((p) => ({ name: p, bytes: new Uint8Array(readFileSync(p)) }));
  return files;
}
