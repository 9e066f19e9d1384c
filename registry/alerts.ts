// Alerts a kiosk raises about itself (POST /v1/alerts): stored beside the registry's own
// chain alerts, so the fleet page and `kiosk registry stats` show them the same way.
import type { KioskAlert } from '../main/protocol/registry-protocol.js';
import type { AuthedKiosk } from './auth.js';
import type { Db } from './db.js';

/** The alert's text, marked as the kiosk's own finding (ingest's chain alerts are the registry's). */
export function kioskAlertDetail(a: KioskAlert): string {
  return `reported by the kiosk: check-in ${a.seq}: ${a.problem}`;
}

/**
 * Records the alert once: a kiosk that finds the same break at every start, or sends again
 * after a lost answer, adds nothing. Locks only the kiosk's own row, as ingest does.
 */
export async function recordKioskAlert(db: Db, kiosk: AuthedKiosk, a: KioskAlert): Promise<{ recorded: boolean }> {
  const detail = kioskAlertDetail(a);
  return db.tx(async (q) => {
    await q.query('SELECT 1 FROM kiosks WHERE id = $1 FOR UPDATE', [kiosk.id]);
    const added = await q.query(
      'INSERT INTO alerts (kiosk_id, kind, detail) SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE kiosk_id = $1 AND kind = $2 AND detail = $3) RETURNING id',
      [kiosk.id, a.kind, detail],
    );
    return { recorded: added.length > 0 };
  });
}
