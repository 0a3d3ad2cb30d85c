import { describe, expect, it } from 'vitest';
import {
  TerraformResources,
  terraformLabel,
  terraformModuleProblems,
  terraformRef,
  type TerraformDocument,
} from './terraform-json.js';

describe('terraformLabel', () => {
  it('keeps names that already are identifiers', () => {
    expect(terraformLabel('koa-dev-grafana-write')).toBe('koa-dev-grafana-write');
    expect(terraformLabel('_x')).toBe('_x');
  });

  it('makes other names identifiers, keeping names that differ apart', () => {
    const labels = ['a.b', 'a/b', 'a b', '1password', 'Platform-One/Products/Valkyrie'].map(
      terraformLabel,
    );
    for (const label of labels) expect(label).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
    expect(new Set(labels).size).toBe(labels.length);
    expect(terraformLabel('a.b')).toBe(terraformLabel('a.b'));
  });
});

describe('TerraformResources', () => {
  it('sorts types and labels, and accepts a repeated identical resource', () => {
    const resources = new TerraformResources();
    resources.add('b_type', 'z', { n: 1 });
    resources.add('a_type', 'y', { n: 2 });
    resources.add('b_type', 'a', { n: 3 });
    resources.add('b_type', 'a', { n: 3 });
    expect(JSON.stringify(resources.document())).toBe(
      '{"resource":{"a_type":{"y":{"n":2}},"b_type":{"a":{"n":3},"z":{"n":1}}}}',
    );
  });

  it('refuses two different bodies under one address', () => {
    const resources = new TerraformResources();
    resources.add('t', 'x', { n: 1 });
    expect(() => resources.add('t', 'x', { n: 2 })).toThrow(TypeError);
  });
});

describe('terraformModuleProblems', () => {
  const team: TerraformDocument = { resource: { grafana_team: { t: { name: 't' } } } };

  it('accepts references to resources another file of the module declares', () => {
    const permission: TerraformDocument = {
      resource: {
        grafana_folder_permission: {
          f: { permissions: [{ team_id: terraformRef('grafana_team', 't', 'id') }] },
        },
      },
    };
    expect(terraformModuleProblems([team, permission])).toEqual([]);
  });

  it('reports dangling references and duplicate addresses', () => {
    const broken: TerraformDocument = {
      resource: {
        grafana_team: { t: { name: 't' } },
        grafana_team_external_group: { t: { team_id: '${grafana_team.missing.id}' } },
      },
    };
    expect(terraformModuleProblems([team, broken])).toEqual([
      'grafana_team.t is declared twice',
      '${grafana_team.missing.id} names no declared resource',
    ]);
  });
});
