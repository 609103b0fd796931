import { describe, expect, it } from 'vitest';
import { DatabaseGate } from '../../../src/db/gate.js';
import type { Db } from '../../../src/db/sql.js';
import { DatabaseUnavailable } from '../../../src/platform/errors.js';

/** A runner answering from a script: the gate's behaviour does not depend on PostgreSQL itself. */
function scripted(answer: () => unknown): Db {
  const sql = (async () => {
    const a = answer();
    if (a instanceof Error) throw a;
    return [a];
  }) as Db['sql'];
  return { sql, tx: (fn) => fn(sql), snapshotTx: (fn) => fn(sql) };
}

describe('DatabaseGate', () => {
  it('answers 503 (DatabaseUnavailable, a rejection) until opened, then passes every call through', async () => {
    const gate = new DatabaseGate();
    const rejected = gate.sql('SELECT 1');
    await expect(rejected).rejects.toBeInstanceOf(DatabaseUnavailable);
    await expect(gate.tx(async () => 1)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(gate.available).toBe(false);
    const opened = gate.whenOpen();
    gate.open(scripted(() => ({ one: 1 })));
    await opened;
    expect(await gate.sql('SELECT 1')).toEqual([{ one: 1 }]);
    expect(await gate.snapshotTx((sql) => sql('SELECT 1'))).toEqual([{ one: 1 }]);
    expect(gate.available).toBe(true);
  });

  it('reports PostgreSQL unavailable after a query failed for want of it, and available after the next success', async () => {
    let answer: unknown = { ok: true };
    const gate = new DatabaseGate();
    gate.open(scripted(() => answer));
    answer = new DatabaseUnavailable('unreachable', new Error('ECONNREFUSED'));
    await expect(gate.sql('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailable);
    expect(gate.available).toBe(false);
    answer = new Error('duplicate key value violates unique constraint');
    await expect(gate.sql('INSERT')).rejects.toThrow('duplicate key');
    expect(gate.available).toBe(false);
    answer = { ok: true };
    await gate.sql('SELECT 1');
    expect(gate.available).toBe(true);
  });
});
