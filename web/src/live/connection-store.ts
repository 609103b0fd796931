import { useSyncExternalStore } from 'react';
import {
  type ConnectionEvent,
  type ConnectionState,
  initialConnection,
  nextConnection,
  type WsState,
} from '../lib/connection';

type Source = { subscribe(o: { next(v: { state: WsState }): void }): { unsubscribe(): void } };

export type ConnectionStore = {
  get(): ConnectionState;
  subscribe(listener: () => void): () => void;
  dispatch(e: ConnectionEvent): void;
};

export function createConnectionStore(online = typeof navigator === 'undefined' || navigator.onLine): ConnectionStore {
  let state = initialConnection(online);
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch(e) {
      const next = nextConnection(state, e);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
  };
}

/**
 * Feeds the store from the WebSocket client's own state plus the browser's online events,
 * and ticks while disconnected so a long outage turns "reconnecting" into "offline".
 */
export function connectStore(store: ConnectionStore, ws: Source): () => void {
  const sub = ws.subscribe({ next: (v) => store.dispatch({ type: 'ws', state: v.state, at: Date.now() }) });
  const online = () => store.dispatch({ type: 'browser', online: true, at: Date.now() });
  const offline = () => store.dispatch({ type: 'browser', online: false, at: Date.now() });
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  const timer = setInterval(() => {
    if (store.get().downSince !== null) store.dispatch({ type: 'tick', at: Date.now() });
  }, 1000);
  return () => {
    sub.unsubscribe();
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
    clearInterval(timer);
  };
}

export function useConnection(store: ConnectionStore): ConnectionState {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
