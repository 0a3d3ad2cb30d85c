import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseTenancy } from '../../src/domain/tenancy/parse-tenancy.js';

describe('examples/tenancy.yaml', () => {
  it('passes the model checks', async () => {
    const text = await readFile(new URL('../../examples/tenancy.yaml', import.meta.url), 'utf8');
    const index = parseTenancy(text, {
      source: 'examples/tenancy.yaml',
      knownEnvironmentTypes: ['dev', 'staging', 'prod', 'sue'],
    });
    expect(index.productOfPool.get('koa')).toBe('koa');
    expect(index.groupGrants.get('idp:Platform-One/Products/Valkyrie/developer')?.[0]?.group).toBe(
      'product:valkyrie:developer',
    );
    expect(index.groupGrants.get('idp:USMC/Marine Coders/developer')?.[0]?.group).toBe(
      'product:marine-coders:developer',
    );
  });
});
