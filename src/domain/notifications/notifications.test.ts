import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_TYPES } from '../environment-types/catalogue.js';
import { parseRetryAfter, retryDelayMs } from './delivery-backoff.js';
import { expiryStatus, longestWarnBeforeMs, NO_EXPIRY, warnBeforeMs } from './expiry-warning.js';
import {
  notificationEvent,
  notificationEventId,
  notificationEventSchema,
  type EventSubject,
} from './notification-event.js';
import { sinkBody, slackMessage } from './notification-payload.js';

const HOUR = 3_600_000;
const now = new Date('2026-01-15T10:00:00Z');
const subject: EventSubject = {
  environment: 'sue-poc',
  environment_type: 'sue',
  pool: 'checkout',
  user: 'alice@example.com',
  expires_at: '2026-01-15T11:00:00Z',
};

describe('expiry window', () => {
  it('counts whole seconds down and is expiring inside warnBefore only', () => {
    const at = new Date(now.getTime() + 3 * HOUR + 1500);
    expect(expiryStatus(at, now, 2 * HOUR)).toEqual({ expires_in: 3 * 3600 + 1, expiring: false });
    const inside = new Date(now.getTime() + 2 * HOUR);
    expect(expiryStatus(inside, now, 2 * HOUR)).toEqual({ expires_in: 7200, expiring: true });
    expect(expiryStatus(new Date(inside.getTime() + 1), now, 2 * HOUR).expiring).toBe(false);
  });

  it('shows 0 and expiring once the expiry passed, before the reaper deleted it', () => {
    expect(expiryStatus(new Date(now.getTime() - 60_000), now, 2 * HOUR)).toEqual({
      expires_in: 0,
      expiring: true,
    });
  });

  it('is null and not expiring without an expiry', () => {
    expect(expiryStatus(null, now, 2 * HOUR)).toBe(NO_EXPIRY);
    expect(NO_EXPIRY).toEqual({ expires_in: null, expiring: false });
  });

  it('reads warnBefore per type: 2 h by default, none for types that never expire', () => {
    expect(warnBeforeMs(DEFAULT_ENVIRONMENT_TYPES, 'sue')).toBe(2 * HOUR);
    expect(warnBeforeMs(DEFAULT_ENVIRONMENT_TYPES, 'prod')).toBeNull();
    expect(warnBeforeMs(DEFAULT_ENVIRONMENT_TYPES, 'toString')).toBeNull();
    const catalogue = {
      ...DEFAULT_ENVIRONMENT_TYPES,
      sue: {
        ...DEFAULT_ENVIRONMENT_TYPES.sue!,
        expiry: { default: '24h', maximum: '7d', warnBefore: '6h' },
      },
    };
    expect(longestWarnBeforeMs(catalogue)).toBe(6 * HOUR);
  });
});

describe('event ids', () => {
  it('are stable for one environment and expiry date, and differ for another date', () => {
    const id = notificationEventId('expiring', subject);
    expect(id).toMatch(/^expiring-sue-poc-[0-9a-f]{16}$/);
    expect(notificationEventId('expiring', subject, 'ignored')).toBe(id);
    expect(
      notificationEventId('expiring', { ...subject, expires_at: '2026-01-16T11:00:00Z' }),
    ).not.toBe(id);
    expect(notificationEventId('expired', subject)).not.toBe(id);
    expect(notificationEventId('expiring', { ...subject, environment: 'sue-other' })).not.toBe(id);
  });

  it('for other events follow the occurrence the caller names', () => {
    expect(notificationEventId('created', subject, 'etag-1')).toBe(
      notificationEventId('created', subject, 'etag-1'),
    );
    expect(notificationEventId('created', subject, 'etag-1')).not.toBe(
      notificationEventId('created', subject, 'etag-2'),
    );
  });
});

describe('payloads', () => {
  const event = notificationEvent({ type: 'expiring', subject, time: '2026-01-15T10:00:00Z' });

  it('json: the event itself, valid by its schema', () => {
    const body = JSON.parse(sinkBody(event, 'json')) as unknown;
    expect(notificationEventSchema.parse(body)).toEqual({
      id: notificationEventId('expiring', subject),
      type: 'expiring',
      environment: 'sue-poc',
      environment_type: 'sue',
      pool: 'checkout',
      user: 'alice@example.com',
      expires_at: '2026-01-15T11:00:00Z',
      time: '2026-01-15T10:00:00Z',
    });
  });

  it('slack: text plus blocks naming the environment, its owner and the event id', () => {
    const body = JSON.parse(sinkBody(event, 'slack')) as ReturnType<typeof slackMessage>;
    expect(body.text).toBe(
      'Environment sue-poc (sue) expires soon: at 2026-01-15T11:00:00Z. Extend it with `platformctl env extend sue-poc` to keep it.',
    );
    expect(body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: body.text } });
    const context = body.blocks[1]?.elements?.[0]?.text ?? '';
    expect(context).toContain('alice@example.com');
    expect(context).toContain(event.id);
  });

  it('failed carries its reason', () => {
    const failed = notificationEvent({
      type: 'failed',
      subject,
      time: '2026-01-15T10:00:00Z',
      occurrence: 'rev-3',
      reason: 'no version of user-service matches ^2',
    });
    expect(slackMessage(failed).text).toBe(
      'Environment sue-poc (sue) failed to deploy: no version of user-service matches ^2',
    );
    expect(notificationEventSchema.parse(failed).reason).toBe(
      'no version of user-service matches ^2',
    );
  });
});

describe('backoff', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 7, 50].map((failures) => retryDelayMs(failures, policy))).toEqual([
      1000, 2000, 4000, 8000, 60_000, 60_000,
    ]);
  });

  it('waits at least what Retry-After asks, still capped', () => {
    expect(retryDelayMs(1, policy, 5000)).toBe(5000);
    expect(retryDelayMs(4, policy, 5000)).toBe(8000);
    expect(retryDelayMs(1, policy, 3_600_000)).toBe(60_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 15 Jan 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 15 Jan 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
