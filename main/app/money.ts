/**
 * Money and time as the tray, the Quit question and the notifications say them: estimates,
 * so rounded to the cent ("about $1.23"), and running times in hours and minutes. Pure.
 */

/** `$1.23`; under a cent `<$0.01`; no figure (no price known) `cost unknown`. */
export function usd(amount: number | null): string {
  if (amount === null || !Number.isFinite(amount)) return 'cost unknown';
  if (amount > 0 && amount < 0.005) return '<$0.01';
  return `$${amount.toFixed(2)}`;
}

/** `45 min`, `2 h 05 min`, `less than a minute`. */
export function runningFor(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The total of the figures known; null when none is. */
export function totalCost(amounts: readonly (number | null)[]): number | null {
  const known = amounts.filter((amount): amount is number => amount !== null);
  return known.length === 0 ? null : known.reduce((sum, amount) => sum + amount, 0);
}
