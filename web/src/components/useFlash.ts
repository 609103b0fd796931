import { useEffect, useRef } from 'react';
import { highlightsAllowed } from '../live/flash-budget';

const DURATION_MS = 1500;
/** An element already glowing is not restarted sooner than this. */
const MIN_GAP_MS = 1000;
/** Page-wide cap on running highlights: each one keeps the browser repainting every frame. */
const MAX_ACTIVE = 12;
let active = 0;

let flashColor: string | null = null;
const color = () => {
  flashColor ??= getComputedStyle(document.documentElement).getPropertyValue('--flash').trim() || '#fff3a3';
  return flashColor;
};
/** Theme switches change --flash; forget the cached value then. */
export const resetFlashColor = (): void => {
  flashColor = null;
};

/**
 * Briefly highlights an element whenever `token` changes after mount (a row's version, a
 * rollup's counts). The Web Animations API plays the effect without re-rendering or
 * remounting, so focus inside the element survives. During a burst (see flash-budget)
 * values still update but do not flash.
 */
export function useFlash<T extends HTMLElement>(token: string | number) {
  const ref = useRef<T>(null);
  const last = useRef(token);
  const startedAt = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    if (last.current === token) return;
    last.current = token;
    const el = ref.current;
    const now = performance.now();
    if (!el?.animate || now - startedAt.current < MIN_GAP_MS || active >= MAX_ACTIVE || !highlightsAllowed(now)) return;
    startedAt.current = now;
    active++;
    const done = () => {
      active--;
    };
    el.animate([{ backgroundColor: color() }, { backgroundColor: 'transparent' }], {
      duration: DURATION_MS,
      easing: 'ease-out',
    }).finished.then(done, done);
  }, [token]);
  return ref;
}
