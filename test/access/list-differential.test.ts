import { describe, expect, it } from 'vitest';
import { createMemoryClaimIndex } from '../../src/adapters/memory-index/memory-claim-index.js';
import { parseOperatorPolicies } from '../../src/adapters/cedar-authorizer/policy-bundle.js';
import { ALSO_SUPPORTED, differential, SUPPORTED, UNSUPPORTED } from './list-differential.js';

// Every case also lists through a fresh memory index, as `GET /environments` does.
const index = () => Promise.resolve(createMemoryClaimIndex());

describe('readableFilter and single decisions against one Cedar decision per environment', () => {
  it('agrees for the generated policies, without falling back', async () => {
    const { readable, total, warnings, perItemFilters } = await differential(undefined, 80, {
      index,
    });
    expect(warnings).toEqual([]);
    expect(perItemFilters).toBe(0);
    expect(readable).toBeGreaterThan(total / 10);
    expect(readable).toBeLessThan(total);
  });

  it('agrees with operator policies using like, if, in, sets, records and has', async () => {
    const ids = parseOperatorPolicies('ops.cedar', SUPPORTED).map((policy) => policy.id);
    expect(ids).toEqual([
      'shared-pools',
      'no-secret',
      'static-dev-or-own',
      'auditors-pool-x',
      'auditors-not-prod',
      'records-and-sets',
    ]);
    const { readable, total, warnings, perItemFilters } = await differential(
      `${SUPPORTED}\n${ALSO_SUPPORTED}`,
      80,
      { index },
    );
    expect(warnings).toEqual([]);
    expect(perItemFilters).toBe(0);
    expect(readable).toBeGreaterThan(total / 5);
  });

  it.each(Object.entries(UNSUPPORTED))(
    'falls back to per-environment decisions for %s and stays correct',
    async (_name, text) => {
      const { readable, warnings, perItemFilters } = await differential(
        `${SUPPORTED}\n${text}`,
        25,
        { index },
      );
      expect(readable).toBeGreaterThan(0);
      expect(perItemFilters).toBeGreaterThan(0);
      expect(warnings.length).toBeGreaterThan(0);
      expect(new Set(warnings)).toEqual(
        new Set(['falls back to one Cedar decision per environment']),
      );
    },
  );
});
