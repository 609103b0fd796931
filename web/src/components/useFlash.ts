import { useEffect, useRef } from 'react';

let flashColor: string | null = null;
const color = () => {
  flashColor ??= getComputedStyle(document.documentElement).getPropertyValue('--flash').trim() || '#ffe58a';
  return flashColor;
};
/** Theme switches change --flash; forget the cached value then. */
export const resetFlashColor = (): void => {
  flashColor = null;
};

const DURATION_MS = 1500;
/** An element already glowing is not restarted sooner than this: under a burst it would never fade. */
const MIN_GAP_MS = 1000;

/**
 * Briefly highlights an element whenever `token` changes after mount (a row's version, a
 * rollup's counts). The Web Animations API plays the effect without re-rendering or
 * remounting, so focus inside the element survives.
 */
export function useFlash<T extends HTMLElement>(token: string | number) {
  const ref = useRef<T>(null);
  const last = useRef(token);
  const startedAt = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    if (last.current === token) return;
    last.current = token;
    const now = performance.now();
    if (now - startedAt.current < MIN_GAP_MS) return;
    startedAt.current = now;
    ref.current?.animate?.([{ backgroundColor: color() }, { backgroundColor: 'transparent' }], {
      duration: DURATION_MS,
      easing: 'ease-out',
    });
  }, [token]);
  return ref;
}
