/**
 * The k smallest items under `cmp`, kept in a binary max-heap: O(n log k) for a page of
 * a large list instead of sorting everything.
 */
export class TopK<T> {
  private readonly heap: T[] = [];

  constructor(
    private readonly k: number,
    private readonly cmp: (a: T, b: T) => number,
  ) {}

  push(item: T): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(item);
      this.up(h.length - 1);
    } else if (this.k > 0 && this.cmp(item, h[0] as T) < 0) {
      h[0] = item;
      this.down(0);
    }
  }

  sorted(): T[] {
    return [...this.heap].sort(this.cmp);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.cmp(h[i] as T, h[p] as T) <= 0) return;
      [h[i], h[p]] = [h[p] as T, h[i] as T];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.cmp(h[l] as T, h[m] as T) > 0) m = l;
      if (r < h.length && this.cmp(h[r] as T, h[m] as T) > 0) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m] as T, h[i] as T];
      i = m;
    }
  }
}
