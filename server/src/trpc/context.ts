import type { Caller } from '../domain/entity.js';

/** What a request proves or asks about itself (headers), as both transports (tRPC, REST) read it. */
export type RequestAuth = {
  authorization: string | undefined;
  cookie: string | undefined;
  /** The `Idempotency-Key` header: ingest answers a retry carrying it from memory. */
  idempotencyKey: string | undefined;
};

/**
 * Access checks, implemented by `auth/` (reads, admin) and `ingest/` (writes) and handed in by
 * the composition root, so this bottom layer imports no domain. Each throws `AppError`
 * (UNAUTHORIZED, FORBIDDEN, RATE_LIMITED with a retry delay).
 */
export type Guards = {
  /** Reads: passes when READ_TOKEN is unset, or a bearer READ_TOKEN or a signed session is sent. */
  read(req: RequestAuth): void;
  /** Writes by pollers: the caller an ingest token proves (label and tenant scope). */
  ingest(req: RequestAuth): Caller;
  /**
   * Changes to windows, settings and the like: the admin a bearer admin token or an admin
   * session cookie proves (name, tenants it administers — null = all).
   * @throws AppError UNAUTHORIZED without a known token or admin session, FORBIDDEN for an ingest token.
   */
  admin(req: RequestAuth): Admin;
};

/** Who an admin token or admin session proves to be: `label` is the token's name (the audit log's actor). */
export type Admin = Caller & { role: 'admin' };

/** Subscriptions one WebSocket connection holds open, and how many it may. */
type SubscriptionBudget = { open: number; readonly max: number };

/** What every procedure sees. */
export type Context = RequestAuth & {
  guards: Guards;
  setHeader: (name: string, value: string) => void;
  /**
   * Set on a WebSocket connection's context (one per connection, shared by its calls);
   * over HTTP each subscription is a request of its own and needs no budget.
   */
  subscriptions?: SubscriptionBudget;
  /**
   * Set on a WebSocket connection's context: its encoder takes a live stream's hand-off
   * (live/event.ts LiveHandoff), so the stream may send its live events straight to the socket.
   */
  directDelivery?: true;
};
