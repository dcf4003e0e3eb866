import { useSyncExternalStore } from 'react';

/** The clock to the second: stable between reads within a second, as useSyncExternalStore requires. */
const readClock = (): number => Math.floor(Date.now() / 1000) * 1000;
const everySecond = (tick: () => void): (() => void) => {
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
};
const still = (): (() => void) => () => undefined;

/**
 * The current time, refreshed every second while `active` (for count-downs). Read at every
 * render, so a count-down's first frame is right even when the component (a host card
 * drawn minutes ago) had no clock running until then.
 */
export function useNow(active: boolean): number {
  return useSyncExternalStore(active ? everySecond : still, readClock);
}
