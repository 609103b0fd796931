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

/**
 * Briefly highlights an element whenever `token` changes after mount (a row's version, a
 * rollup's counts). The Web Animations API restarts the effect without re-rendering or
 * remounting, so focus inside the element survives and 500 updates/s stay cheap.
 */
export function useFlash<T extends HTMLElement>(token: string | number) {
  const ref = useRef<T>(null);
  const last = useRef(token);
  useEffect(() => {
    if (last.current === token) return;
    last.current = token;
    ref.current?.animate?.([{ backgroundColor: color() }, { backgroundColor: 'transparent' }], {
      duration: 1500,
      easing: 'ease-out',
    });
  }, [token]);
  return ref;
}
