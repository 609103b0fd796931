/** States of tRPC's wsClient.connectionState ('pending' means open and ready). */
export type WsState = 'idle' | 'connecting' | 'pending';
export type Indicator = 'connecting' | 'live' | 'reconnecting' | 'offline';

export type ConnectionState = {
  indicator: Indicator;
  /** Set once the socket has opened: later drops are re-connections, not a slow start. */
  everOpen: boolean;
  browserOnline: boolean;
  /** When the current outage began (ms), null while live. */
  downSince: number | null;
  /** Completed reconnections; a change tells the app to refetch what may have drifted. */
  reconnects: number;
};

export type ConnectionEvent =
  | { type: 'ws'; state: WsState; at: number }
  | { type: 'browser'; online: boolean; at: number }
  | { type: 'tick'; at: number };

/** After this long without a connection the indicator stops promising a quick return. */
export const OFFLINE_AFTER_MS = 15_000;

export const initialConnection = (online = true): ConnectionState => ({
  indicator: online ? 'connecting' : 'offline',
  everOpen: false,
  browserOnline: online,
  downSince: null,
  reconnects: 0,
});

function indicatorFor(s: ConnectionState, open: boolean, at: number): Indicator {
  if (open) return 'live';
  if (!s.browserOnline) return 'offline';
  if (!s.everOpen) return s.downSince !== null && at - s.downSince >= OFFLINE_AFTER_MS ? 'offline' : 'connecting';
  return s.downSince !== null && at - s.downSince >= OFFLINE_AFTER_MS ? 'offline' : 'reconnecting';
}

export function nextConnection(s: ConnectionState, e: ConnectionEvent): ConnectionState {
  const open = s.indicator === 'live';
  switch (e.type) {
    case 'ws': {
      if (e.state === 'pending') {
        if (open) return s;
        return {
          ...s,
          indicator: 'live',
          everOpen: true,
          downSince: null,
          reconnects: s.everOpen ? s.reconnects + 1 : s.reconnects,
        };
      }
      // 'idle' before the first subscription is a not-yet-started connection.
      const next = { ...s, downSince: s.downSince ?? e.at };
      return { ...next, indicator: indicatorFor(next, false, e.at) };
    }
    case 'browser': {
      const next = { ...s, browserOnline: e.online };
      return { ...next, indicator: indicatorFor(next, open, e.at) };
    }
    case 'tick': {
      const indicator = indicatorFor(s, open, e.at);
      return indicator === s.indicator ? s : { ...s, indicator };
    }
  }
}

export const INDICATOR_TEXT: Record<Indicator, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};
