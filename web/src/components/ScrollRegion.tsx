import type { ReactNode } from 'react';

type Props = { label: string; children: ReactNode; busy?: boolean };

/**
 * A table's own horizontal scroll box, so the page never scrolls sideways on a phone.
 * It is focusable because keyboard users can only scroll what can take focus (WCAG 2.1.1,
 * axe "scrollable-region-focusable"), and labelled so the focus stop is announced.
 */
export function ScrollRegion({ label, children, busy }: Props) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll container must be focusable to scroll by keyboard
    <section className="table-scroll" aria-label={label} tabIndex={0} aria-busy={busy}>
      {children}
    </section>
  );
}
