import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_TYPES } from '../environment-types/catalogue.js';
import { dependencyClosure } from './dependency-closure.js';
import { selectServices } from './deploy-selection.js';
import { defaultVersion, parseServiceCatalogueText } from './service-catalogue.js';

const text = await readFile(new URL('../../../examples/services.yaml', import.meta.url), 'utf8');
const environmentTypes = Object.keys(DEFAULT_ENVIRONMENT_TYPES);
const catalogue = parseServiceCatalogueText(text, 'examples/services.yaml', { environmentTypes });

describe('examples/services.yaml', () => {
  it('passes the checks and has the seed services', () => {
    expect(catalogue.names).toEqual(
      expect.arrayContaining(['api-gateway', 'auth-service', 'user-service']) as string[],
    );
    expect(catalogue.names.length).toBeGreaterThanOrEqual(7);
  });

  it("follows the seed's version strategy: prod anchored, staging ranges, dev and sue any", () => {
    for (const name of catalogue.names) {
      const service = catalogue.services[name]!;
      for (const type of service.types) {
        const kind = defaultVersion(service, type)?.kind;
        const expected = { prod: 'anchored', staging: 'range', dev: 'any', sue: 'any' }[type];
        expect([name, type, kind]).toEqual([name, type, expected]);
      }
    }
  });

  it("resolves the seed's --deploy-only-specified example", () => {
    const selected = selectServices({
      catalogue,
      environmentType: 'dev',
      services: { 'user-service': 'latest' },
      deployOnlySpecified: true,
    });
    expect(selected.map((s) => s.name)).toEqual(dependencyClosure(catalogue, ['user-service']));
    expect(selected.at(-1)).toMatchObject({ name: 'user-service', source: 'claim' });
    expect(selected.filter((s) => s.source === 'default').length).toBeGreaterThan(0);
  });

  it('adds the services of the type without --deploy-only-specified (the README example)', () => {
    const selected = selectServices({
      catalogue,
      environmentType: 'dev',
      services: { 'user-service': 'latest' },
      deployOnlySpecified: false,
    });
    expect(selected.map((s) => `${s.name}@${s.constraint.text}`)).toEqual([
      'postgres@*',
      'redis@*',
      'auth-service@*',
      'user-service@latest',
      'api-gateway@*',
      'notification-service@*',
    ]);
  });

  it('selects a full environment for every type', () => {
    for (const environmentType of environmentTypes) {
      const selected = selectServices({
        catalogue,
        environmentType,
        services: {},
        deployOnlySpecified: false,
      });
      expect(selected.length).toBeGreaterThan(0);
    }
  });
});
