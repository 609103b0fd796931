import type { Segment, SegmentClass, Timeline } from '../domain/budget/types.js';

/**
 * The checkpoint's packed encoding of timelines (one chunk = one self-contained buffer):
 * `"SLAB"`, format version, the chunk's distinct targets (float64 each, referenced by
 * index), then per entity (ascending ids): id delta, first observation, horizon, the open
 * result, the segments — times as unsigned LEB128 varints of whole milliseconds (starts as
 * the distance from the previous segment's end, so an unbroken timeline spends one byte
 * on it), class one byte, target an index, the SLA sum a float64. About 15 bytes a segment
 * against about 100 as JSON.
 */
export const CODEC_VERSION = 1;
const MAGIC = [0x53, 0x4c, 0x41, 0x42];
const CLASSES: readonly SegmentClass[] = ['good', 'bad', 'nodata', 'stale'];
const CLASS_CODE = new Map(CLASSES.map((c, i) => [c, i]));

class Writer {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  /** Unsigned LEB128 of a non-negative safe integer (division, not bit operations: values exceed 32 bits). */
  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a non-negative integer: ${n}`);
    this.room(8);
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.length++] = n;
  }

  /** Zigzag: a signed integer as an unsigned one (0, -1, 1, -2 … → 0, 1, 2, 3 …). */
  int(n: number): void {
    this.uint(n < 0 ? -2 * n - 1 : 2 * n);
  }

  f64(x: number): void {
    this.room(8);
    this.view.setFloat64(this.length, x, true);
    this.length += 8;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  byte(): number {
    if (this.at >= this.buf.length) throw new RangeError('checkpoint chunk truncated');
    return this.buf[this.at++] as number;
  }

  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
  }

  int(): number {
    const u = this.uint();
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }

  f64(): number {
    if (this.at + 8 > this.buf.length) throw new RangeError('checkpoint chunk truncated');
    const x = this.view.getFloat64(this.at, true);
    this.at += 8;
    return x;
  }

  get done(): boolean {
    return this.at >= this.buf.length;
  }
}

const ms = (t: number) => Math.round(t);

/** Encodes timelines (ascending ids) into one self-contained chunk. */
export function encodeChunk(entries: readonly (readonly [number, Timeline])[]): Uint8Array {
  const targets = new Map<number, number>();
  const targetOf = (x: number) => {
    const known = targets.get(x);
    if (known !== undefined) return known;
    targets.set(x, targets.size);
    return targets.size - 1;
  };
  const body = new Writer();
  let prevId = 0;
  for (const [id, t] of entries) {
    body.int(id - prevId);
    prevId = id;
    body.int(ms(t.firstObservedAt));
    body.int(ms(t.horizon));
    if (t.open) {
      body.byte(1 + (CLASS_CODE.get(t.open.cls) ?? 0));
      body.int(ms(t.open.observedAt));
      body.uint(targetOf(t.open.target));
      body.f64(t.open.currentSla);
    } else body.byte(0);
    body.uint(t.segments.length);
    let prevEnd = ms(t.horizon);
    for (const s of t.segments) {
      body.int(ms(s.start) - prevEnd);
      body.uint(ms(s.end) - ms(s.start));
      body.byte(CLASS_CODE.get(s.cls) ?? 0);
      body.uint(targetOf(s.target));
      body.f64(s.slaMs);
      prevEnd = ms(s.end);
    }
  }
  const head = new Writer();
  for (const b of MAGIC) head.byte(b);
  head.byte(CODEC_VERSION);
  head.uint(targets.size);
  for (const x of targets.keys()) head.f64(x);
  head.uint(entries.length);
  const h = head.bytes();
  const b = body.bytes();
  const out = new Uint8Array(h.length + b.length);
  out.set(h);
  out.set(b, h.length);
  return out;
}

/**
 * Decodes one chunk into `into` (entity id → timeline).
 * @throws RangeError when the chunk is not of this format or is truncated.
 */
export function decodeChunk(chunk: Uint8Array, into: Map<number, Timeline>): void {
  const r = new Reader(chunk);
  for (const b of MAGIC) if (r.byte() !== b) throw new RangeError('not a budget checkpoint chunk');
  const version = r.byte();
  if (version !== CODEC_VERSION) throw new RangeError(`budget checkpoint format ${version}, expected ${CODEC_VERSION}`);
  const targets: number[] = [];
  for (let n = r.uint(); n > 0; n--) targets.push(r.f64());
  const target = (i: number) => {
    const x = targets[i];
    if (x === undefined) throw new RangeError('budget checkpoint target index out of range');
    return x;
  };
  let id = 0;
  for (let n = r.uint(); n > 0; n--) {
    id += r.int();
    const firstObservedAt = r.int();
    const horizon = r.int();
    const openCode = r.byte();
    const open =
      openCode === 0
        ? null
        : {
            cls: CLASSES[openCode - 1] as Exclude<SegmentClass, 'stale'>,
            observedAt: r.int(),
            target: target(r.uint()),
            currentSla: r.f64(),
          };
    const segments: Segment[] = [];
    let prevEnd = horizon;
    for (let k = r.uint(); k > 0; k--) {
      const start = prevEnd + r.int();
      const end = start + r.uint();
      const cls = CLASSES[r.byte()] as SegmentClass;
      segments.push({ start, end, cls, target: target(r.uint()), slaMs: r.f64() });
      prevEnd = end;
    }
    into.set(id, { firstObservedAt, horizon, segments, open });
  }
  if (!r.done) throw new RangeError('budget checkpoint chunk has trailing bytes');
}
