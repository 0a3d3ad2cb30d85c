import { describe, expect, it } from 'vitest';
import { runDeviceFlow, type DevicePrompt } from '../../src/cli/auth/device-flow.js';
import {
  InputError,
  NotAllowedError,
  NotAuthenticatedError,
  UnavailableError,
} from '../../src/domain/errors.js';
import { jsonResponse } from '../support/fake-fetch.js';

const ENDPOINTS = {
  issuer: 'https://idp.example.com',
  deviceAuthorizationEndpoint: 'https://idp.example.com/device/auth',
  tokenEndpoint: 'https://idp.example.com/token',
};
const DEVICE = {
  device_code: 'device-1',
  user_code: 'WDJB-MJHT',
  verification_uri: 'https://idp.example.com/device',
  expires_in: 600,
};

/**
 * A scripted IdP: the device authorization answer, then one token answer per poll. The
 * clock moves only when the flow sleeps, so every wait is recorded and nothing waits.
 */
function scripted(device: Record<string, unknown>, polls: Response[]) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const forms: Record<string, string>[] = [];
  const prompts: DevicePrompt[] = [];
  const fetchImpl = ((url: string, init?: RequestInit) => {
    forms.push(Object.fromEntries(new URLSearchParams(init?.body as URLSearchParams)));
    if (url === ENDPOINTS.deviceAuthorizationEndpoint) {
      return Promise.resolve(jsonResponse(device));
    }
    const next = polls.shift();
    if (next === undefined) throw new Error('polled more often than scripted');
    return Promise.resolve(next);
  }) as typeof fetch;
  const run = () =>
    runDeviceFlow({
      endpoints: ENDPOINTS,
      clientId: 'platformctl',
      scopes: ['openid', 'offline_access'],
      resource: 'urn:platform-service:api',
      onPrompt: (prompt) => prompts.push(prompt),
      fetchImpl,
      now: () => clock,
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
        return Promise.resolve();
      },
    });
  return { run, sleeps, forms, prompts };
}

const oauth = (error: string, status = 400) => jsonResponse({ error }, { status });
const tokens = () =>
  jsonResponse({ access_token: 'at', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt' });

describe('runDeviceFlow (RFC 8628)', () => {
  it('asks for a code with the client, scopes and resource, shows it, and polls until approved', async () => {
    const flow = scripted({ ...DEVICE, interval: 2 }, [
      oauth('authorization_pending'),
      oauth('authorization_pending'),
      tokens(),
    ]);
    const result = await flow.run();
    expect(result).toEqual({
      accessToken: 'at',
      refreshToken: 'rt',
      expiresAt: 1_006_000 + 300_000,
    });
    expect(flow.forms[0]).toEqual({
      client_id: 'platformctl',
      scope: 'openid offline_access',
      resource: 'urn:platform-service:api',
    });
    expect(flow.forms[1]).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: 'device-1',
      client_id: 'platformctl',
    });
    expect(flow.prompts).toEqual([
      { verificationUri: DEVICE.verification_uri, userCode: 'WDJB-MJHT', expiresInSeconds: 600 },
    ]);
    expect(flow.sleeps).toEqual([2000, 2000, 2000]);
  });

  it('waits 5 s without an interval, and 5 s longer after each slow_down', async () => {
    const flow = scripted(DEVICE, [
      oauth('authorization_pending'),
      oauth('slow_down'),
      oauth('authorization_pending'),
      oauth('slow_down'),
      tokens(),
    ]);
    await flow.run();
    expect(flow.sleeps).toEqual([5000, 5000, 10_000, 10_000, 15_000]);
  });

  it('stops with NotAuthenticatedError on expired_token, and when the code outlives expires_in', async () => {
    const told = scripted(DEVICE, [oauth('expired_token')]);
    await expect(told.run()).rejects.toThrow(
      new NotAuthenticatedError(
        'the code expired before it was approved; run platformctl login again',
      ),
    );
    // 10 s code, 5 s interval: one pending poll, then the deadline passes before the second.
    const silent = scripted({ ...DEVICE, expires_in: 10 }, [oauth('authorization_pending')]);
    await expect(silent.run()).rejects.toBeInstanceOf(NotAuthenticatedError);
    expect(silent.sleeps).toEqual([5000, 5000]);
  });

  it('is NotAllowedError on access_denied and on a refused client', async () => {
    await expect(scripted(DEVICE, [oauth('access_denied')]).run()).rejects.toThrow(
      new NotAllowedError('the login was denied at the identity provider'),
    );
    await expect(scripted(DEVICE, [oauth('invalid_client', 401)]).run()).rejects.toBeInstanceOf(
      NotAllowedError,
    );
  });

  it('is InputError for an unknown scope at the device endpoint, UnavailableError for a 5xx poll', async () => {
    const badScope = scripted({ error: 'invalid_scope' }, []);
    await expect(badScope.run()).rejects.toBeInstanceOf(InputError);
    const down = scripted(DEVICE, [new Response('bad gateway', { status: 502 })]);
    await expect(down.run()).rejects.toThrow(
      new UnavailableError('the token endpoint at idp.example.com answered HTTP 502'),
    );
  });

  it('refuses a DPoP-bound token it could not use (RFC 9449)', async () => {
    const flow = scripted(DEVICE, [jsonResponse({ access_token: 'at', token_type: 'DPoP' })]);
    await expect(flow.run()).rejects.toBeInstanceOf(UnavailableError);
  });
});
