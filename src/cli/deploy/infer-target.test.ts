import { describe, expect, it } from 'vitest';
import { InputError } from '../../domain/errors.js';
import { inferTarget } from './infer-target.js';

const TYPES = ['dev', 'staging', 'prod', 'sue'];
const TEAM1 = { pools: [{ pool: 'team1', types: ['dev', 'sue'] }], anyPool: [] };

describe('inferTarget', () => {
  it('reads <type>-<pool>-… as the seed names environments', () => {
    expect(inferTarget({ name: 'dev-team1', types: TYPES, rights: TEAM1 })).toEqual({
      type: 'dev',
      pool: 'team1',
    });
    expect(inferTarget({ name: 'dev-team1-feature-x', types: TYPES, rights: TEAM1 })).toEqual({
      type: 'dev',
      pool: 'team1',
    });
  });

  it('falls back to the only pool where the caller may create that type', () => {
    expect(inferTarget({ name: 'sue-poc', types: TYPES, rights: TEAM1 })).toEqual({
      type: 'sue',
      pool: 'team1',
    });
  });

  it('takes --type and --pool over the name', () => {
    expect(
      inferTarget({ name: 'dev-team1', type: 'sue', pool: 'x', types: TYPES, rights: TEAM1 }),
    ).toEqual({ type: 'sue', pool: 'x' });
  });

  it('takes the name for an admin, who may create in any pool', () => {
    const admin = { pools: TEAM1.pools, anyPool: TYPES };
    expect(inferTarget({ name: 'prod-main', types: TYPES, rights: admin })).toEqual({
      type: 'prod',
      pool: 'main',
    });
    expect(() => inferTarget({ name: 'sue', types: TYPES, rights: admin })).toThrow('pass --pool');
  });

  it('says what to pass when it cannot tell', () => {
    expect(() => inferTarget({ name: 'feature-x', types: TYPES, rights: TEAM1 })).toThrow(
      new InputError(
        "cannot tell the type of 'feature-x' from its name; pass --type (one of dev, staging, prod, sue)",
      ),
    );
    const two = { pools: [...TEAM1.pools, { pool: 'team2', types: ['dev'] }], anyPool: [] };
    expect(() => inferTarget({ name: 'dev-x', types: TYPES, rights: two })).toThrow(
      'pass --pool (you may create dev environments in team1, team2)',
    );
    expect(() => inferTarget({ name: 'prod-x', types: TYPES, rights: TEAM1 })).toThrow(
      'you may create a prod environment in no pool',
    );
  });
});
