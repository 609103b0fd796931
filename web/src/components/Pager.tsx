import { useId } from 'react';
import { formatCount } from '../lib/format';
import { PAGE_SIZES, pageCount } from '../lib/table-url';

type Props = { page: number; size: number; total: number; onPage(p: number): void; onSize(s: number): void };

export function Pager({ page, size, total, onPage, onSize }: Props) {
  const id = useId();
  const pages = pageCount(total, size);
  const from = total === 0 ? 0 : (page - 1) * size + 1;
  const to = Math.min(total, page * size);
  return (
    <nav className="pager" aria-label="Pages">
      <p className="pager-range" aria-live="polite">
        {formatCount(from)}–{formatCount(to)} of {formatCount(total)}
      </p>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous page
      </button>
      <span>
        Page {formatCount(Math.min(page, pages))} of {formatCount(pages)}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages}>
        Next page
      </button>
      <label htmlFor={`${id}-size`}>Rows per page</label>
      <select id={`${id}-size`} value={size} onChange={(e) => onSize(Number(e.target.value))}>
        {PAGE_SIZES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </nav>
  );
}
