import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_TYPES } from '../environment-types/catalogue.js';
import type { EnvironmentType } from '../environment-types/environment-type.js';
import {
  decideExpiry,
  effectiveExpiry,
  latestAllowedExpiry,
  storedExpiryProblems,
} from './expiry.js';

function type(name: string): EnvironmentType {
  const found = DEFAULT_ENVIRONMENT_TYPES[name];
  if (!found) throw new Error(`no type ${name}`);
  return found;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CREATED = '2024-01-15T10:30:00Z';
const CREATED_MS = Date.parse(CREATED);

describe('effectiveExpiry', () => {
  it('a sue claim without expiration_date expires 24 h after creation', () => {
    expect(effectiveExpiry({ creation_date: CREATED }, type('sue'))?.toISOString()).toBe(
      '2024-01-16T10:30:00.000Z',
    );
    expect(
      effectiveExpiry({ creation_date: CREATED, expiration_date: null }, type('sue'))?.getTime(),
    ).toBe(CREATED_MS + DAY);
  });

  it("a claim's own expiration_date wins", () => {
    expect(
      effectiveExpiry(
        { creation_date: CREATED, expiration_date: '2024-01-18T00:00:00Z' },
        type('sue'),
      )?.toISOString(),
    ).toBe('2024-01-18T00:00:00.000Z');
    expect(
      effectiveExpiry(
        { creation_date: CREATED, expiration_date: '2024-01-20T00:00:00+01:00' },
        type('dev'),
      )?.toISOString(),
    ).toBe('2024-01-19T23:00:00.000Z');
  });

  it('dev without a date never expires', () => {
    expect(effectiveExpiry({ creation_date: CREATED }, type('dev'))).toBeNull();
    expect(
      effectiveExpiry({ creation_date: CREATED, expiration_date: null }, type('dev')),
    ).toBeNull();
  });

  it('staging and prod never expire, even with a date', () => {
    expect(
      effectiveExpiry(
        { creation_date: CREATED, expiration_date: '2024-01-16T00:00:00Z' },
        type('staging'),
      ),
    ).toBeNull();
    expect(effectiveExpiry({ creation_date: CREATED }, type('prod'))).toBeNull();
  });
});

describe('latestAllowedExpiry', () => {
  it('is creation plus the maximum', () => {
    expect(latestAllowedExpiry(new Date(CREATED), type('sue'))?.getTime()).toBe(
      CREATED_MS + 7 * DAY,
    );
    expect(latestAllowedExpiry(new Date(CREATED), type('dev'))?.getTime()).toBe(
      CREATED_MS + 30 * DAY,
    );
  });

  it('is null for types that never expire', () => {
    expect(latestAllowedExpiry(new Date(CREATED), type('prod'))).toBeNull();
  });
});

describe('storedExpiryProblems', () => {
  it('accepts no date, and a date within the maximum (inclusive)', () => {
    expect(storedExpiryProblems({ creation_date: CREATED }, 'sue', type('sue'))).toEqual([]);
    expect(
      storedExpiryProblems(
        { creation_date: CREATED, expiration_date: '2024-01-22T10:30:00Z' },
        'sue',
        type('sue'),
      ),
    ).toEqual([]);
  });

  it('does not complain about a date in the past', () => {
    expect(
      storedExpiryProblems(
        { creation_date: CREATED, expiration_date: '2024-01-15T11:00:00Z' },
        'sue',
        type('sue'),
      ),
    ).toEqual([]);
  });

  it('rejects a date past the maximum lifetime', () => {
    expect(
      storedExpiryProblems(
        { creation_date: CREATED, expiration_date: '2024-01-22T10:30:01Z' },
        'sue',
        type('sue'),
      ),
    ).toEqual([
      {
        path: 'expiration_date',
        message:
          'must be at most 7d after creation_date (2024-01-15T10:30:00Z), i.e. not after 2024-01-22T10:30:00Z',
      },
    ]);
  });

  it('rejects any date on a type that never expires', () => {
    expect(
      storedExpiryProblems(
        { creation_date: CREATED, expiration_date: '2024-01-16T00:00:00Z' },
        'staging',
        type('staging'),
      ),
    ).toEqual([
      {
        path: 'expiration_date',
        message: "environments of type 'staging' never expire; remove expiration_date",
      },
    ]);
  });
});

describe('decideExpiry', () => {
  const now = new Date(CREATED);
  const base = { current: undefined, creationDate: now, now };

  it('create: sue without a date takes the 24 h default, also for null', () => {
    for (const requested of [undefined, null]) {
      const decided = decideExpiry({
        ...base,
        typeName: 'sue',
        type: type('sue'),
        requested,
        mode: 'create',
      });
      expect(decided).toEqual({ expiration: new Date(CREATED_MS + DAY) });
    }
  });

  it('create: dev without a date never expires', () => {
    expect(
      decideExpiry({
        ...base,
        typeName: 'dev',
        type: type('dev'),
        requested: undefined,
        mode: 'create',
      }),
    ).toEqual({ expiration: null });
  });

  it('create: a date in the past or now is refused', () => {
    for (const requested of ['2024-01-15T10:29:59Z', CREATED]) {
      expect(
        decideExpiry({ ...base, typeName: 'sue', type: type('sue'), requested, mode: 'create' }),
      ).toEqual({
        errors: [
          {
            path: 'expiration_date',
            message: 'must be in the future (to remove the environment now, DELETE it)',
          },
        ],
      });
    }
  });

  it('create: a date beyond the maximum is refused, the maximum itself allowed', () => {
    const refused = decideExpiry({
      ...base,
      typeName: 'sue',
      type: type('sue'),
      requested: '2024-01-22T10:30:00.001Z',
      mode: 'create',
    });
    expect(refused).toMatchObject({ errors: [{ path: 'expiration_date' }] });
    expect(
      decideExpiry({
        ...base,
        typeName: 'sue',
        type: type('sue'),
        requested: '2024-01-22T10:30:00Z',
        mode: 'create',
      }),
    ).toEqual({ expiration: new Date('2024-01-22T10:30:00Z') });
  });

  it('create and patch: prod refuses a date and accepts null', () => {
    for (const mode of ['create', 'patch'] as const) {
      expect(
        decideExpiry({
          ...base,
          typeName: 'prod',
          type: type('prod'),
          requested: '2024-01-16T00:00:00Z',
          mode,
        }),
      ).toEqual({
        errors: [
          {
            path: 'expiration_date',
            message: "environments of type 'prod' never expire; remove expiration_date",
          },
        ],
      });
      expect(
        decideExpiry({ ...base, typeName: 'prod', type: type('prod'), requested: null, mode }),
      ).toEqual({ expiration: null });
    }
  });

  it('patch: no date keeps the current one', () => {
    expect(
      decideExpiry({
        ...base,
        typeName: 'sue',
        type: type('sue'),
        requested: undefined,
        current: '2024-01-16T10:30:00Z',
        mode: 'patch',
      }),
    ).toEqual({ expiration: new Date('2024-01-16T10:30:00Z') });
    expect(
      decideExpiry({
        ...base,
        typeName: 'dev',
        type: type('dev'),
        requested: undefined,
        current: null,
        mode: 'patch',
      }),
    ).toEqual({ expiration: null });
  });

  it('patch: null clears a dev expiry but is refused for sue', () => {
    expect(
      decideExpiry({
        ...base,
        typeName: 'dev',
        type: type('dev'),
        requested: null,
        current: '2024-01-20T00:00:00Z',
        mode: 'patch',
      }),
    ).toEqual({ expiration: null });
    expect(
      decideExpiry({
        ...base,
        typeName: 'sue',
        type: type('sue'),
        requested: null,
        current: '2024-01-16T10:30:00Z',
        mode: 'patch',
      }),
    ).toEqual({
      errors: [
        {
          path: 'expiration_date',
          message:
            "environments of type 'sue' always expire; give a date at most 7d after creation",
        },
      ],
    });
  });

  it('patch: the maximum counts from creation, not from now', () => {
    const later = new Date(CREATED_MS + 5 * DAY);
    const args = {
      typeName: 'sue',
      type: type('sue'),
      current: undefined,
      creationDate: now,
      now: later,
    };
    expect(decideExpiry({ ...args, requested: '2024-01-22T10:30:00Z', mode: 'patch' })).toEqual({
      expiration: new Date('2024-01-22T10:30:00Z'),
    });
    expect(
      decideExpiry({ ...args, requested: '2024-01-23T10:30:00Z', mode: 'patch' }),
    ).toMatchObject({ errors: [{ path: 'expiration_date' }] });
  });
});
