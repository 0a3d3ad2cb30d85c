import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';
import { compileGrafana, folderUid, grafanaExternalGroup } from './compile-grafana.js';
import {
  terraformLabel,
  terraformModuleProblems,
  terraformRef,
  type TerraformDocument,
} from '../shared/terraform-json.js';

const documents = (output: ToolOutput): TerraformDocument[] =>
  output.files.map((file) => JSON.parse(file.content) as TerraformDocument);

const documentOf = (output: ToolOutput, path: string): TerraformDocument => {
  const file = output.files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`no ${path}`);
  return JSON.parse(file.content) as TerraformDocument;
};

describe('compileGrafana on examples/tenancy.yaml', () => {
  const output = compileGrafana(compileAccessGraph(exampleModel()));

  it('writes one file per product with Grafana, plus the provider file', () => {
    expect(output.files.map((file) => file.path)).toEqual([
      'grafana/_provider.tf.json',
      'grafana/koa.tf.json',
      'grafana/ai.tf.json',
    ]);
    expect(documentOf(output, 'grafana/_provider.tf.json').terraform).toEqual({
      required_providers: { grafana: { source: 'grafana/grafana' } },
    });
  });

  it('gives team koa-dev-grafana-write Edit on folder koa-dev, synced from its group id', () => {
    const resource = documentOf(output, 'grafana/koa.tf.json').resource ?? {};
    expect(resource.grafana_folder?.['koa-dev']).toEqual({ uid: 'koa-dev', title: 'koa-dev' });
    expect(resource.grafana_folder_permission?.['koa-dev']).toEqual({
      folder_uid: '${grafana_folder.koa-dev.uid}',
      permissions: [{ team_id: '${grafana_team.koa-dev-grafana-write.id}', permission: 'Edit' }],
    });
    expect(resource.grafana_team?.['koa-dev-grafana-write']).toEqual({
      name: 'koa-dev-grafana-write',
    });
    // Seed 000 step 3: the group's identifier (idp.groupIds), not its name.
    expect(resource.grafana_team_external_group?.['koa-dev-grafana-write']).toEqual({
      team_id: '${grafana_team.koa-dev-grafana-write.id}',
      groups: ['5b0c6a53-2f0e-4c51-9a7e-1d2b3c4d5e61'],
    });
  });

  it('syncs by name where the model knows no id (ai’s groups)', () => {
    const resource = documentOf(output, 'grafana/ai.tf.json').resource ?? {};
    expect(resource.grafana_team_external_group?.['ai-prod-grafana-write']?.groups).toEqual([
      'ai-prod-grafana-write',
    ]);
  });

  it('makes no read teams: seed 000 has only write groups', () => {
    expect(output.files.some((file) => file.content.includes('"View"'))).toBe(false);
    expect(output.grants.every((grant) => grant.level === 'write')).toBe(true);
    const teams = output.files.flatMap((file) => file.objects.filter((o) => o.includes('_team.')));
    expect(teams.every((address) => address.endsWith('-grafana-write'))).toBe(true);
  });

  it('records a grant per group and folder', () => {
    expect(output.grants).toContainEqual({
      tool: 'grafana',
      subject: { kind: 'group', name: 'koa-dev-grafana-write' },
      permission: 'Editor on folder koa-dev',
      level: 'write',
      product: 'koa',
      namespace: 'koa-dev',
      file: 'grafana/koa.tf.json',
    });
    expect(output.grants).toHaveLength(5);
  });

  it('forms one Terraform module whose references all resolve', () => {
    expect(terraformModuleProblems(documents(output))).toEqual([]);
  });

  it('is deterministic', () => {
    expect(compileGrafana(compileAccessGraph(exampleModel()))).toEqual(output);
  });
});

describe('compileGrafana on a small model', () => {
  const longNamespace = `obs-${'x'.repeat(55)}-dev`;
  const model = tenancySchema.parse({
    organizations: [
      {
        name: 'acme',
        // One group per product and level, shared by its namespaces, with `/` in the name.
        groupNaming: { tools: '{org}/{product}-{tool}-{level}' },
        products: [
          {
            name: 'obs',
            namespaces: ['obs-dev', longNamespace],
            tools: { grafana: ['write', 'read'] },
            members: [{ user: 'ann', role: 'developer' }],
          },
        ],
      },
    ],
  });
  const output = compileGrafana(compileAccessGraph(model));
  const resource = documentOf(output, 'grafana/obs.tf.json').resource ?? {};

  it('declares each shared team once and refers to it from every folder', () => {
    expect(Object.values(resource.grafana_team ?? {})).toEqual([
      { name: 'acme/obs-grafana-read' },
      { name: 'acme/obs-grafana-write' },
    ]);
    const permissions = Object.values(resource.grafana_folder_permission ?? {});
    expect(permissions).toHaveLength(2);
    for (const folder of permissions)
      expect(folder.permissions).toEqual([
        {
          team_id: terraformRef('grafana_team', terraformLabel('acme/obs-grafana-read'), 'id'),
          permission: 'View',
        },
        {
          team_id: terraformRef('grafana_team', terraformLabel('acme/obs-grafana-write'), 'id'),
          permission: 'Edit',
        },
      ]);
    expect(terraformModuleProblems(documents(output))).toEqual([]);
  });

  it('keeps folder uids within Grafana’s 40 characters', () => {
    const uids = Object.values(resource.grafana_folder ?? {}).map((folder) => folder.uid);
    expect(uids).toContain('obs-dev');
    expect(uids).toContain(folderUid(longNamespace));
    expect(folderUid(longNamespace)).toHaveLength(40);
    expect(folderUid(longNamespace)).not.toBe(folderUid(`${longNamespace.slice(0, -1)}w`));
  });

  it('grants Viewer and Editor per folder', () => {
    expect(output.grants.map((grant) => [grant.permission, grant.level])).toEqual([
      ['Viewer on folder obs-dev', 'read'],
      ['Editor on folder obs-dev', 'write'],
      [`Viewer on folder ${longNamespace}`, 'read'],
      [`Editor on folder ${longNamespace}`, 'write'],
    ]);
  });

  it('takes an id only from the map’s own keys', () => {
    expect(grafanaExternalGroup('g', { g: 'id-1' })).toBe('id-1');
    expect(grafanaExternalGroup('constructor', {})).toBe('constructor');
    expect(grafanaExternalGroup('toString', { g: 'id-1' })).toBe('toString');
  });

  it('writes nothing when no product lists Grafana', () => {
    const none = compileGrafana(compileAccessGraph(tenancySchema.parse({})));
    expect(none).toEqual({ tool: 'grafana', files: [], grants: [] });
  });
});
