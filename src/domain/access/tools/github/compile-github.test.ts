import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';
import { terraformModuleProblems, type TerraformDocument } from '../shared/terraform-json.js';
import { compileGitHub } from './compile-github.js';

const parse = (output: ToolOutput, path: string): TerraformDocument => {
  const file = output.files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`no ${path}`);
  return JSON.parse(file.content) as TerraformDocument;
};

/** Every `github/<owner>/` directory is one Terraform module; each must hold together. */
const moduleProblems = (output: ToolOutput): string[] => {
  const owners = new Set(output.files.map((file) => file.path.split('/')[1]));
  return [...owners].flatMap((owner) =>
    terraformModuleProblems(
      output.files
        .filter((file) => file.path.startsWith(`github/${owner}/`))
        .map((file) => JSON.parse(file.content) as TerraformDocument),
    ),
  );
};

describe('compileGitHub on examples/tenancy.yaml', () => {
  const output = compileGitHub(compileAccessGraph(exampleModel()));
  const koa = parse(output, 'github/jppol-idp/koa.tf.json').resource ?? {};

  it('writes a file per product and owner, and a provider file per owner', () => {
    expect(output.files.map((file) => file.path)).toEqual([
      'github/jppol-idp/koa.tf.json',
      'github/jppol-idp/ai.tf.json',
      'github/p1/valkyrie.tf.json',
      'github/epam/edp.tf.json',
      'github/epam/_provider.tf.json',
      'github/jppol-idp/_provider.tf.json',
      'github/p1/_provider.tf.json',
    ]);
    expect(parse(output, 'github/jppol-idp/_provider.tf.json')).toEqual({
      terraform: { required_providers: { github: { source: 'integrations/github' } } },
      provider: { github: { owner: 'jppol-idp' } },
    });
  });

  it('gives team apps-koa push with koa-dev', () => {
    expect(koa.github_team?.['apps-koa']).toEqual({
      name: 'apps-koa',
      description: 'push access to jppol-idp/apps-koa for koa developers',
      privacy: 'closed',
    });
    expect(koa.github_team_members?.['apps-koa']).toEqual({
      team_id: '${github_team.apps-koa.id}',
      members: [{ username: 'koa-dev', role: 'member' }],
    });
    expect(koa.github_team_repository?.['apps-koa']).toEqual({
      team_id: '${github_team.apps-koa.id}',
      repository: 'apps-koa',
      permission: 'push',
    });
  });

  it('gives team apps-koa-readers pull with koa-reader', () => {
    expect(koa.github_team_members?.['apps-koa-readers']?.members).toEqual([
      { username: 'koa-reader', role: 'member' },
    ]);
    expect(koa.github_team_repository?.['apps-koa-readers']?.permission).toBe('pull');
  });

  it('counts people without a handle instead of listing them', () => {
    const valkyrie = parse(output, 'github/p1/valkyrie.tf.json').resource ?? {};
    expect(valkyrie.github_team?.valkyrie?.description).toBe(
      // Valkyrie requires il2: only val.cleared of its three developers may be listed.
      'push access to p1/valkyrie for valkyrie developers; 1 member without a GitHub handle is not listed',
    );
    expect(valkyrie.github_team_members?.valkyrie?.members).toEqual([]);
  });

  it('adds a maintainers team only where the product opts in to customer admin', () => {
    const edp = parse(output, 'github/epam/edp.tf.json').resource ?? {};
    expect(edp.github_team_repository?.['edp-demo-maintainers']?.permission).toBe('maintain');
    expect(Object.keys(koa.github_team ?? {})).toEqual(['apps-koa', 'apps-koa-readers']);
  });

  it('grants people by their model name, not their handle', () => {
    expect(output.grants).toEqual([
      {
        tool: 'github',
        subject: { kind: 'user', name: 'koa.dev@jppol.example' },
        permission: 'push on jppol-idp/apps-koa',
        level: 'write',
        product: 'koa',
        repository: 'jppol-idp/apps-koa',
        file: 'github/jppol-idp/koa.tf.json',
      },
      {
        tool: 'github',
        subject: { kind: 'user', name: 'koa.reader@jppol.example' },
        permission: 'pull on jppol-idp/apps-koa',
        level: 'read',
        product: 'koa',
        repository: 'jppol-idp/apps-koa',
        file: 'github/jppol-idp/koa.tf.json',
      },
      {
        tool: 'github',
        subject: { kind: 'user', name: 'ai.dev@jppol.example' },
        permission: 'push on jppol-idp/apps-ai',
        level: 'write',
        product: 'ai',
        repository: 'jppol-idp/apps-ai',
        file: 'github/jppol-idp/ai.tf.json',
      },
    ]);
  });

  it('forms modules whose references all resolve, and is deterministic', () => {
    expect(moduleProblems(output)).toEqual([]);
    expect(compileGitHub(compileAccessGraph(exampleModel()))).toEqual(output);
  });
});

const smallModel = (repositories: Record<string, string[]>) =>
  tenancySchema.parse({
    users: [
      { name: 'ann', github: 'Ann-GH' },
      { name: 'bob', github: 'bob' },
      { name: 'cy', github: 'cy' },
    ],
    organizations: [
      {
        name: 'acme',
        products: Object.entries(repositories).map(([name, repos]) => ({
          name,
          repositories: repos,
          customerAdmin: true,
          members: [
            { user: 'ann', role: 'developer', manager: true },
            { user: 'bob', role: 'developer' },
            { user: 'cy', role: 'collaborator', admin: true },
          ],
        })),
      },
    ],
  });

describe('compileGitHub on a small model', () => {
  const output = compileGitHub(
    compileAccessGraph(smallModel({ web: ['acme/web.site', 'other/api'] })),
  );

  it('makes managers team maintainers and admins a maintain team', () => {
    const acme = parse(output, 'github/acme/web.tf.json').resource ?? {};
    const membersByTeam = Object.fromEntries(
      Object.entries(acme.github_team ?? {}).map(([label, team]) => [
        String(team.name),
        acme.github_team_members?.[label]?.members,
      ]),
    );
    expect(membersByTeam).toEqual({
      'web.site': [
        { username: 'Ann-GH', role: 'maintainer' },
        { username: 'bob', role: 'member' },
      ],
      'web.site-readers': [{ username: 'cy', role: 'member' }],
      'web.site-maintainers': [{ username: 'cy', role: 'member' }],
    });
    expect(output.grants.filter((grant) => grant.subject.name === 'cy')).toMatchObject([
      { permission: 'pull on acme/web.site', level: 'read' },
      { permission: 'maintain on acme/web.site', level: 'admin' },
      { permission: 'pull on other/api', level: 'read' },
      { permission: 'maintain on other/api', level: 'admin' },
    ]);
  });

  it('labels teams with names that are not identifiers so references resolve', () => {
    const labels = Object.keys(
      parse(output, 'github/acme/web.tf.json').resource?.github_team ?? {},
    );
    for (const label of labels) expect(label).toMatch(/^web_site[-_]/);
    expect(moduleProblems(output)).toEqual([]);
    expect(output.files.map((file) => file.path)).toContain('github/other/web.tf.json');
  });

  it('refuses two products that want one team', () => {
    const clash = compileAccessGraph(smallModel({ web: ['acme/site'], shop: ['ACME/Site'] }));
    expect(() => compileGitHub(clash)).toThrow(/GitHub team ACME\/Site is wanted by web/);
  });
});
