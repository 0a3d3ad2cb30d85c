import {
  createOciRegistry,
  type OciRegistryOptions,
} from '../../src/adapters/oci-registry/oci-registry.js';

/** One request the fake fetch saw. */
export interface FetchCall {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
}

/** A fetch that answers from `handler` and records every call. */
export function fakeFetch(handler: (call: FetchCall) => Response | Promise<Response>) {
  const calls: FetchCall[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const call = {
      method: init?.method ?? 'GET',
      url: new URL(input instanceof Request ? input.url : input),
      headers: new Headers(init?.headers),
    };
    calls.push(call);
    return handler(call);
  }) as typeof fetch;
  return { fetchImpl, calls };
}

export const jsonResponse = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });

export const FAKE_REGISTRY_URL = 'http://registry.test:5000';

/** The adapter against a fake fetch, retrying without waiting. */
export function fakeRegistry(fetchImpl: typeof fetch, extra: Partial<OciRegistryOptions> = {}) {
  return createOciRegistry({ url: FAKE_REGISTRY_URL, fetchImpl, retryDelayMs: 1, ...extra });
}
