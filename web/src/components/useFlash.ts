import { useEffect, useRef } from 'react';

const DURATION_MS = 1500;
/** An element already glowing is not restarted sooner than this: under a burst it would never fade. */
const MIN_GAP_MS = 1000;
/**
 * Background animations repaint every frame, so their number is capped page-wide: during a
 * burst (hundreds of changes a second) a dozen glowing rows already say "this is moving",
 * and a hundred would cost more main-thread time than the updates themselves.
 */
const MAX_ACTIVE = 12;
let active = 0;

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
    if ((globalThis as any).NOFLASH) return;
    const now = performance.now();
    const el = ref.current;
    if (!el?.animate || now - startedAt.current < MIN_GAP_MS || active >= MAX_ACTIVE) return;
    startedAt.current = now;
    active++;
    const done = () => {
      active--;
    };
    const animation = el.animate([{ opacity: 0.45 }, { opacity: 0 }], {
      duration: DURATION_MS,
      easing: 'ease-out',
      pseudoElement: '::after',
    });
    animation.finished.then(done, done);
  }, [token]);
  return ref;
}
