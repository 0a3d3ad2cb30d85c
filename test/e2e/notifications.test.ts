import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installE2eHooks,
  makeTempDir,
  startServer,
  waitFor,
  type EnvironmentView,
  type ServerHandle,
} from './serve-helper.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

installE2eHooks();

const TOKEN_ENV = 'NOTIFICATIONS_E2E_SINK_TOKEN';
const SECRET = `sink-secret-${Math.random().toString(36).slice(2)}`;

interface EventBody {
  id: string;
  type: string;
  environment: string;
  expires_at: string | null;
}
type Status = EnvironmentView['status'] & { expires_in: number | null; expiring: boolean };

/** Short windows so the test runs in seconds: sue warns 10 s before its expiry. */
function notificationsYaml(receiver: WebhookReceiver): string {
  return `
environmentTypes:
  sue:
    expiry: { default: 24h, maximum: 7d, warnBefore: 10s }
notifications:
  warnInterval: 200ms
  queue: { retryBase: 100ms, retryMax: 1s, pollInterval: 200ms }
  sinks:
    - name: ops
      url: ${receiver.url}/hook
      headers:
        Authorization: { secretEnv: ${TOKEN_ENV} }
    - name: chat
      url: ${receiver.url}/slack
      format: slack
      events: [expiring]
`;
}

/** The events a sink accepted (2xx): a refused attempt is not a delivery. */
const events = (receiver: WebhookReceiver, path = '/hook'): EventBody[] =>
  receiver.received
    .filter((r) => r.path === path && r.status !== undefined && r.status < 300)
    .map((r) => r.body as EventBody);

let receiver: WebhookReceiver;
beforeAll(async () => {
  process.env[TOKEN_ENV] = SECRET;
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  delete process.env[TOKEN_ENV];
});

describe('expiry warnings and notifications on the real server', () => {
  let server: ServerHandle;
  afterAll(async () => {
    await server.stop();
  });

  it(
    'shows expiring, sends one expiring warning per sink, then expired; created and deleted too',
    { timeout: 60_000 },
    async () => {
      // The first delivery fails: the sender must retry it.
      receiver.answerWith((_, count) => (count === 1 ? { status: 503 } : { status: 204 }));
      server = await startServer({
        reaperInterval: '300ms',
        extraYaml: notificationsYaml(receiver),
      });

      const expiresAt = new Date(Date.now() + 6_000).toISOString();
      const soon = await server.request<EnvironmentView>('POST', '/api/v1/environments', {
        environment_name: 'sue-soon',
        environment_type: 'sue',
        environment_pool: 'pool-a',
        expiration_date: expiresAt,
      });
      expect(soon.status, soon.text).toBe(201);
      const got = await server.request<EnvironmentView>('GET', '/api/v1/environments/sue-soon');
      const status = got.body.status as Status;
      expect(status.expiring).toBe(true);
      expect(status.expires_in).toBeGreaterThanOrEqual(0);
      expect(status.expires_in).toBeLessThanOrEqual(6);

      const far = await server.request<EnvironmentView>('POST', '/api/v1/environments', {
        environment_name: 'sue-far',
        environment_type: 'sue',
        environment_pool: 'pool-a',
      });
      expect(far.status, far.text).toBe(201);
      const farStatus = far.body.status as Status;
      expect(farStatus.expiring).toBe(false);
      expect(farStatus.expires_in).toBeGreaterThan(86_000);
      const prod = await server.request<EnvironmentView>('POST', '/api/v1/environments', {
        environment_name: 'prod-x',
        environment_type: 'prod',
        environment_pool: 'pool-a',
      });
      expect(prod.status, prod.text).toBe(201);
      const listed = await server.request<{ items: EnvironmentView[] }>(
        'GET',
        '/api/v1/environments',
      );
      const prodStatus = listed.body.items.find((i) => i.environment_name === 'prod-x')
        ?.status as Status;
      expect(prodStatus).toMatchObject({ expires_at: null, expires_in: null, expiring: false });

      // The reaper deletes sue-soon once its date passed; the sinks hear `expired`.
      await waitFor(
        'the expired event',
        () => (events(receiver).some((e) => e.type === 'expired') ? true : undefined),
        20_000,
        100,
      );
      // Some more warner runs: none may warn again for the same date.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const ops = events(receiver).filter((e) => e.environment === 'sue-soon');
      const expiring = ops.filter((e) => e.type === 'expiring');
      expect(expiring).toHaveLength(1);
      expect(Date.parse(expiring[0]?.expires_at ?? '')).toBe(Date.parse(expiresAt));
      expect(ops.filter((e) => e.type === 'expired')).toHaveLength(1);
      expect(new Set(ops.filter((e) => e.type === 'created').map((e) => e.id)).size).toBe(1);
      const slack = receiver.received.filter((r) => r.path === '/slack' && r.status === 204);
      expect(slack).toHaveLength(1);
      expect((slack[0]?.body as { text: string }).text).toContain('sue-soon');
      expect(slack[0]?.headers.authorization).toBeUndefined();
      // The 503 was retried: the first request's event arrived again.
      const first = receiver.received[0];
      expect(first?.status).toBe(503);
      const firstId = first?.headers['x-platform-event-id'];
      const again = receiver.received.filter(
        (r) => r.path === first?.path && r.headers['x-platform-event-id'] === firstId,
      );
      expect(again.map((r) => r.status)).toEqual([503, 204]);
      expect(receiver.received.find((r) => r.path === '/hook')?.headers.authorization).toBe(SECRET);
      // No warning for what is far from its expiry, nor for what never expires.
      expect(
        events(receiver).filter((e) => e.type === 'expiring' && e.environment !== 'sue-soon'),
      ).toEqual([]);

      const deleted = await server.request('DELETE', '/api/v1/environments/sue-far');
      expect(deleted.status).toBe(204);
      await waitFor('the deleted event', () =>
        events(receiver).some((e) => e.type === 'deleted' && e.environment === 'sue-far')
          ? true
          : undefined,
      );
      // The sink's secret header value is never logged.
      expect(server.output()).not.toContain(SECRET);
    },
  );
});

describe('the outbox survives a crash', () => {
  it(
    'an event queued while the sink was down is delivered after a SIGKILL and restart',
    { timeout: 60_000 },
    async () => {
      const sink = await startWebhookReceiver();
      try {
        sink.answerWith(() => ({ status: 503 }));
        const dataDir = await makeTempDir();
        const extraYaml = notificationsYaml(sink);
        const first = await startServer({ dataDir, extraYaml });
        const created = await first.request('POST', '/api/v1/environments', {
          environment_name: 'sue-crash',
          environment_type: 'sue',
          environment_pool: 'pool-a',
        });
        expect(created.status, created.text).toBe(201);
        await waitFor('a failed attempt', () => (sink.received.length > 0 ? true : undefined));
        const { id } = sink.received[0]?.body as EventBody;
        await first.kill();

        sink.answerWith(() => ({ status: 204 }));
        const attempts = sink.received.length;
        const second = await startServer({ dataDir, extraYaml });
        try {
          await waitFor('delivery after the restart', () =>
            sink.received.length > attempts ? true : undefined,
          );
          const after = sink.received.slice(attempts).map((r) => r.body as EventBody);
          expect(after[0]).toMatchObject({ id, type: 'created', environment: 'sue-crash' });
        } finally {
          await second.stop();
        }
      } finally {
        await sink.close();
      }
    },
  );
});
