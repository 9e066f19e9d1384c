// The queue ticket a hospital kiosk prints: the number (this kiosk's letter and its counter
// for the clinic today, docs/UI.md), the clinic and its room, the estimated wait and how the
// visit is paid, in Vietnamese with English beneath. No name or ID number: a ticket left on
// a bench tells nobody who it was.
import type { TicketDocument } from '../../drivers/printer/document.js';
import type { Clinic } from '../protocol/datasets.js';

export interface TicketFacts {
  siteName: string;
  number: string;
  clinic: Clinic;
  waitMinutes: number;
  payment: 'insurance' | 'fee-paying';
  /** When it was issued, shown in Vietnam's time. */
  issuedAt: Date;
}

/** "HH:MM dd/mm/yyyy" in Vietnam (UTC+7). */
export function vietnamTime(d: Date): string {
  const t = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return `${t.slice(11, 16)} ${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)}`;
}

export function ticketDocument(f: TicketFacts): TicketDocument {
  return {
    lines: [
      { text: f.siteName, align: 'center', bold: true },
      { rule: true },
      { text: 'SỐ THỨ TỰ / QUEUE NUMBER', align: 'center' },
      { text: f.number, size: 'big', align: 'center', bold: true },
      { text: f.clinic.name.vi, size: 'double', align: 'center', bold: true },
      ...(f.clinic.name.en ? [{ text: f.clinic.name.en, align: 'center' as const }] : []),
      { text: `Phòng / Room ${f.clinic.room}`, size: 'double', align: 'center' },
      { rule: true },
      { text: `Thời gian chờ dự kiến / Estimated wait: ${f.waitMinutes} phút / min` },
      { text: f.payment === 'insurance' ? 'Khám bảo hiểm y tế / Health insurance' : 'Khám dịch vụ / Fee-paying' },
      { text: vietnamTime(f.issuedAt) },
      { feed: 1 },
      { text: 'Vui lòng chờ gọi số / Please wait for your number', align: 'center' },
    ],
    cut: true,
  };
}
