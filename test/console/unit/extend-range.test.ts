import { describe, expect, it } from 'vitest';
import {
  durationWords,
  extendRange,
  fromLocalInput,
  toLocalInput,
  webUrlOf,
} from '../../../console/src/pages/environment/extend-range.js';
import { DEFAULT_ENVIRONMENT_TYPES } from '../../../src/domain/environment-types/catalogue.js';

const CREATED = '2026-01-10T12:00:00Z';
const at = (iso: string) => Date.parse(iso);

describe('extendRange (the environment page’s allowed expiry)', () => {
  it('runs from the next minute after now to the maximum after creation', () => {
    const range = extendRange(
      { expiry: { default: '24h', maximum: '7d' } },
      CREATED,
      at('2026-01-11T08:30:20Z'),
    );
    expect(range).toEqual({
      kind: 'open',
      earliest: new Date('2026-01-11T08:32:00Z'),
      latest: new Date('2026-01-17T12:00:00Z'),
      maximum: '7d',
      default: '24h',
    });
  });

  it('is closed once the maximum has passed, and never for a type without expiry', () => {
    expect(
      extendRange(
        { expiry: { default: null, maximum: '1d' } },
        CREATED,
        at('2026-01-12T00:00:00Z'),
      ),
    ).toMatchObject({
      kind: 'closed',
      latest: new Date('2026-01-11T12:00:00Z'),
    });
    expect(extendRange({ expiry: null }, CREATED, at('2026-01-12T00:00:00Z'))).toEqual({
      kind: 'never',
    });
  });

  it('agrees with the catalogue’s types (sue: 7 days, prod: never)', () => {
    const { sue, prod } = DEFAULT_ENVIRONMENT_TYPES;
    if (sue === undefined || prod === undefined) throw new Error('catalogue without sue or prod');
    expect(extendRange(sue, CREATED, at(CREATED))).toMatchObject({
      latest: new Date('2026-01-17T12:00:00Z'),
    });
    expect(extendRange(prod, CREATED, at(CREATED))).toEqual({ kind: 'never' });
  });
});

describe('durationWords', () => {
  it.each([
    ['24h', '24 hours'],
    ['7d', '7 days'],
    ['1d', '1 day'],
    ['90m', '90 minutes'],
    ['30s', '30 seconds'],
    ['1500ms', '1500 milliseconds'],
  ])('%s reads %s', (text, words) => expect(durationWords(text)).toBe(words));
});

describe('datetime-local values', () => {
  it('round-trip through the API’s UTC timestamps', () => {
    const date = new Date('2026-03-29T01:30:00Z');
    expect(fromLocalInput(toLocalInput(date))).toBe('2026-03-29T01:30:00Z');
  });

  it('refuse what is not a date and time', () => {
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('2026-13-40T99:99')).toBeUndefined();
    expect(fromLocalInput('tomorrow')).toBeUndefined();
  });
});

describe('webUrlOf (a Git repository becomes a link only over http(s))', () => {
  it.each([
    [
      'https://git.example.com/jppol/koa-gitops.git',
      'https://git.example.com/jppol/koa-gitops.git',
    ],
    ['http://git.local/x.git', 'http://git.local/x.git'],
    ['git@github.com:jppol/koa.git', undefined],
    ['ssh://git@git.example.com/koa.git', undefined],
    ['javascript:alert(1)', undefined],
    [undefined, undefined],
  ])('%s → %s', (repository, url) => expect(webUrlOf(repository)).toBe(url));
});
