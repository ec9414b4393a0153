// Dates as the library writes them to members: `14 March 2025` (UTC).

/** `2025-03-14T18:00:00.000Z` → `14 March 2025`, for messages shown to members. */
export function humanDate(date: Date): string {
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
