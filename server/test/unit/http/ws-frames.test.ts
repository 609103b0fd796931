import { jsonEncoder } from '@trpc/server/adapters/ws';
import { describe, expect, it } from 'vitest';
import { toWireChange } from '../../../src/domain/wire.js';
import { eventMessage } from '../../../src/http/ws-frames.js';
import { changeEvent } from '../../../src/live/event.js';
import { change } from '../fixtures.js';

/** The message tRPC's WebSocket adapter hands the encoder for a tracked value. */
const message = (id: unknown, data: unknown, cursor: string, jsonrpc?: string) => ({
  id,
  ...(jsonrpc ? { jsonrpc } : {}),
  result: { type: 'data', data: { id: cursor, data }, id: cursor },
});

describe('change events serialised once for every subscriber', () => {
  it('encode to the bytes the adapter JSON encoder sends for the wire change', () => {
    const c = change(7, { entityName: 'quote " and \u00e9 \u2028' });
    const event = changeEvent('abcdef012345', c);
    for (const [id, rpc] of [
      [1, undefined],
      ['sub-2', undefined],
      [3, '2.0'],
    ] as const) {
      const lean = eventMessage(message(id, event, event.id, rpc));
      expect(lean).toBe(jsonEncoder.encode(message(id, toWireChange(c), event.id, rpc)));
      // Any other serialiser gets the same value through toJSON.
      expect(JSON.parse(lean as string)).toEqual(JSON.parse(JSON.stringify(message(id, event, event.id, rpc))));
    }
  });

  it('are made once per change and epoch, and other messages are left to the usual encoder', () => {
    const c = change(8);
    expect(changeEvent('abcdef012345', c)).toBe(changeEvent('abcdef012345', c));
    expect(changeEvent('0123456789ab', c).id).toBe('0123456789ab:8');
    const event = changeEvent('abcdef012345', c);
    expect(eventMessage(message(1, event, event.id))).toBe(eventMessage(message(1, event, event.id)));
    expect(eventMessage(message(1, toWireChange(c), event.id))).toBeNull();
    expect(eventMessage({ id: 1, result: { type: 'started' } })).toBeNull();
    expect(eventMessage(null)).toBeNull();
  });
});
