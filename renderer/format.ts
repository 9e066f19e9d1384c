// How values from the core are written for people: Vietnamese date order, clinic names in
// the current language.
import type { ClinicView, Language } from '../main/api/contract.js';

/** An ISO date (yyyy-mm-dd) as dd/mm/yyyy, the way Vietnam writes dates in both languages. */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** A clinic's name: English when the site gives one, Vietnamese otherwise. */
export function clinicName(clinic: ClinicView, language: Language): string {
  return language === 'en' ? (clinic.name.en ?? clinic.name.vi) : clinic.name.vi;
}
