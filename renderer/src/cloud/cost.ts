/**
 * Money and time as the cloud parts of the window say them: hourly estimates, cost so far,
 * how long a VM has run, an idle count-down. Pure, so every wording is unit-tested.
 */
import type { PriceView } from '../../../main/ipc/contract';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usdRate = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** "$0.79", "$1,234.50". */
export function formatUsd(amount: number): string {
  return usd.format(amount);
}

/** "$0.658/h", "$0.0116/h": list prices keep their own precision. */
export function formatHourly(price: PriceView): string {
  return `${usdRate.format(price.usdPerHour)}/h`;
}

/** The price table's date ("2025-01-15") in words ("Jan 15, 2025"), read as a calendar date, not a moment. */
export function formatPriceDate(asOf: string): string {
  const date = new Date(`${asOf}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return asOf;
  return date.toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
}

/** A running cost in a sentence: "about $0.79", or "less than $0.01" in a VM's first minutes (never "about $0.00"). */
export function formatCost(amount: number): string {
  return amount < 0.005 ? 'less than $0.01' : `about ${formatUsd(amount)}`;
}

/** USD since `since` at `usdPerHour`, as of `now` (the same estimate main makes: linear, no minimum). */
export function costBetween(since: number, now: number, usdPerHour: number): number {
  if (!(now > since) || !(usdPerHour > 0)) return 0;
  return ((now - since) / 3_600_000) * usdPerHour;
}

/**
 * The cost so far, kept current between snapshots: main's figure is "as of the snapshot",
 * so with a price and a start time the window works it out for `now`; otherwise main's.
 */
export function liveCost(view: { readonly price: PriceView | null; readonly runningSince: number | null; readonly costSoFar: number | null }, now: number): number | null {
  if (view.price !== null && view.runningSince !== null) return costBetween(view.runningSince, now, view.price.usdPerHour);
  return view.costSoFar;
}

/** "less than a minute", "12 min", "1 h 12 min", "2 days 3 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return `${days} day${days === 1 ? '' : 's'}${rest === 0 ? '' : ` ${rest} h`}`;
}

/** A count-down as a clock: "4:05", "1:04:05"; never below "0:00". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export function providerName(provider: 'aws' | 'azure'): string {
  return provider === 'aws' ? 'AWS' : 'Azure';
}

/** What "stop" is in each cloud: Azure's stop that ends the billing is a deallocation. */
export function stopVerb(provider: 'aws' | 'azure'): { readonly verb: string; readonly doing: string; readonly done: string } {
  return provider === 'aws' ? { verb: 'Stop', doing: 'Stopping', done: 'stopped' } : { verb: 'Deallocate', doing: 'Deallocating', done: 'deallocated' };
}
