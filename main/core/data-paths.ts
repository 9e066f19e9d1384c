// Where a kiosk keeps its database by default (KIOSK_DATA_DIR moves it): shared by the
// command line and the Electron core, which must open the same file.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DATA_ROOT = process.env['KIOSK_DATA_DIR'] ?? join(homedir(), '.local', 'share', 'cccd-kiosk');
export const KIOSK_DB = join(DATA_ROOT, 'kiosk', 'kiosk.db');
export const SIM_KIOSK_DB = join(DATA_ROOT, 'sim', 'kiosk.db');
