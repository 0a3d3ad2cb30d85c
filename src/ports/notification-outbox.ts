import type { NotificationEvent } from '../domain/notifications/notification-event.js';

/** One event owed to one sink. */
export interface OutboxDelivery {
  /** The sink's configured `name` (a DNS label). */
  readonly sink: string;
  readonly event: NotificationEvent;
}

/**
 * The durable queue of notifications (issue 15): an event counts as queued once `add`
 * resolved, and stays until `complete`, so a platform that restarts before sending sends
 * after the restart. Delivered ids may leave a marker (`keepUntil`) so the same fact is not
 * queued twice across restarts and replicas (one `expiring` warning per expiry date).
 *
 * Where each adapter keeps it:
 * - fs (embedded default): `<store.path>/notifications/pending/<sink>/<id>.json` and
 *   `…/notifications/delivered/<sink>/<id>.json`, directories beside the claim buckets;
 * - S3: the rendered bucket (`store.s3.buckets.rendered`), keys
 *   `notifications/pending/<sink>/<id>.json` and `notifications/delivered/<sink>/<id>.json`.
 *
 * No order is kept between events; readers sort a batch by `event.time`.
 */
export interface NotificationOutbox {
  /** A human name for logs (a directory or `s3://bucket/notifications/`). */
  readonly location: string;
  /**
   * Stores the delivery durably unless one with the same sink and event id is pending or
   * has a delivered marker; resolves `false` then. Safe to race: of concurrent adds of one
   * id exactly one resolves `true`.
   */
  add(delivery: OutboxDelivery): Promise<boolean>;
  /** Up to `limit` pending deliveries (which ones is the adapter's choice); unreadable ones are skipped. */
  pending(limit: number): Promise<OutboxDelivery[]>;
  /**
   * Removes a pending delivery after it was sent (or given up). With `keepUntil`, leaves a
   * marker that makes `add` of the same sink and id refuse until `prune` after that time.
   */
  complete(delivery: OutboxDelivery, keepUntil?: Date): Promise<void>;
  /** Removes the delivered markers whose `keepUntil` is before `now`; returns how many. */
  prune(now: Date): Promise<number>;
}
