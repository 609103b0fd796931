/**
 * Growable typed-array columns, one slot per entity. Numbers live unboxed here: as object
 * fields V8 boxes every double (ids, targets, SLAs, three timestamps), which made an
 * entity cost about 265 bytes; in columns it costs about 60 plus its name.
 */
export class Columns {
  capacity = 0;
  id = new Int32Array(0);
  version = new Float64Array(0);
  slaTarget = new Float64Array(0);
  currentSla = new Float64Array(0);
  statusSince = new Float64Array(0);
  observedAt = new Float64Array(0);
  updatedAt = new Float64Array(0);
  status = new Uint8Array(0);
  type = new Uint16Array(0);
  team = new Int32Array(0);

  /** Makes room for at least `n` slots, doubling so appends stay amortised O(1). */
  ensure(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(1024, this.capacity * 2, n);
    const grow = <T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.id = grow(this.id, (k) => new Int32Array(k));
    this.version = grow(this.version, (k) => new Float64Array(k));
    this.slaTarget = grow(this.slaTarget, (k) => new Float64Array(k));
    this.currentSla = grow(this.currentSla, (k) => new Float64Array(k));
    this.statusSince = grow(this.statusSince, (k) => new Float64Array(k));
    this.observedAt = grow(this.observedAt, (k) => new Float64Array(k));
    this.updatedAt = grow(this.updatedAt, (k) => new Float64Array(k));
    this.status = grow(this.status, (k) => new Uint8Array(k));
    this.type = grow(this.type, (k) => new Uint16Array(k));
    this.team = grow(this.team, (k) => new Int32Array(k));
    this.capacity = cap;
  }
}

/** id → slot + 1 (0 = absent). Entity ids are a serial, so a dense array beats a Map by ~10×. */
export class SlotIndex {
  private table = new Int32Array(0);

  get(id: number): number {
    return id >= 0 && id < this.table.length ? (this.table[id] as number) - 1 : -1;
  }

  set(id: number, slot: number): void {
    if (id >= this.table.length) {
      const next = new Int32Array(Math.max(1024, this.table.length * 2, id + 1));
      next.set(this.table);
      this.table = next;
    }
    this.table[id] = slot + 1;
  }

  clear(): void {
    this.table = new Int32Array(0);
  }
}
