import { describe, expect, it } from 'vitest';
import { claimSchema } from '../claims/claim-schema.js';
import { DEFAULT_ENVIRONMENT_TYPES } from '../environment-types/catalogue.js';
import { claimsOfDefinitions, isDefinitionFile } from './definition-set.js';
import { withoutCredentials } from './repository-url.js';
import { provenanceProblems, staticClaimOf, type Provenance } from './static-claim.js';

const PROVENANCE: Provenance = {
  repository: 'https://gitlab.example.com/platform/prod-environments.git',
  branch: 'main',
  commit: 'a'.repeat(40),
  user: 'gitlab-ci',
  now: '2026-12-06T20:00:00Z',
};
const catalogue = DEFAULT_ENVIRONMENT_TYPES;
const PROD = { environment_name: 'prod-main', environment_type: 'prod', environment_pool: 'eu-1' };

const problemsOf = (stem: string, document: unknown): unknown => {
  const result = staticClaimOf({ stem, document, provenance: PROVENANCE, catalogue });
  return 'problems' in result ? result.problems : [];
};

describe('staticClaimOf', () => {
  it('adds what the pipeline knows to what the file defines', () => {
    const result = staticClaimOf({
      stem: 'prod-main',
      document: { ...PROD, services: { 'user-service': 'v1.2.3' } },
      provenance: PROVENANCE,
      catalogue,
    });
    expect(result).toEqual({
      claim: {
        ...PROD,
        user: 'gitlab-ci',
        creation_date: PROVENANCE.now,
        deployment_method: 'git',
        git_repository: PROVENANCE.repository,
        branch: 'main',
        git_commit: PROVENANCE.commit,
        services: { 'user-service': 'v1.2.3' },
      },
    });
  });

  it("accepts the seed's own fields when they agree with the checkout", () => {
    const document = {
      ...PROD,
      deployment_method: 'git',
      git_repository: PROVENANCE.repository,
      branch: 'main',
    };
    expect(problemsOf('prod-main', document)).toEqual([]);
  });

  it('names every problem of a file with its field', () => {
    expect(
      problemsOf('prod-main', {
        ...PROD,
        environment_name: 'prod-other',
        user: 'me',
        branch: 'develop',
        environment_pool: 'Not A Label',
        colour: 'blue',
      }),
    ).toEqual([
      {
        path: 'user',
        message: expect.stringContaining('is set by platformctl static publish') as string,
      },
      { path: 'branch', message: expect.stringContaining('this checkout says "main"') as string },
      {
        path: 'environment_name',
        message: expect.stringContaining("the file is named 'prod-main'") as string,
      },
      { path: 'environment_pool', message: expect.any(String) as string },
      { path: 'colour', message: 'unknown field' },
    ]);
  });

  it('refuses what the server refuses: unknown types and a dynamic deployment method', () => {
    expect(problemsOf('x', { ...PROD, environment_name: 'x', environment_type: 'qa' })).toEqual([
      {
        path: 'environment_type',
        message: expect.stringContaining("unknown environment type 'qa'") as string,
      },
    ]);
    expect(problemsOf('prod-main', { ...PROD, deployment_method: 'dynamic' })).toEqual([
      {
        path: 'deployment_method',
        message: expect.stringContaining('this checkout says "git"') as string,
      },
    ]);
  });

  it('refuses an expiry: a static environment ends when its file is removed', () => {
    expect(problemsOf('prod-main', { ...PROD, expiration_date: '2030-01-01T00:00:00Z' })).toEqual([
      { path: 'expiration_date', message: expect.stringContaining('does not expire') as string },
      // The server's own expiry rule says the same for a type that never expires.
      { path: 'expiration_date', message: expect.stringContaining('never expire') as string },
    ]);
    expect(problemsOf('s', { ...PROD, environment_name: 's', environment_type: 'sue' })).toEqual([
      { path: 'environment_type', message: expect.stringContaining('always expire') as string },
    ]);
  });

  it('refuses a document that is not a mapping', () => {
    expect(problemsOf('x', ['a'])).toEqual([
      { path: '(root)', message: 'must be a mapping of claim fields' },
    ]);
  });
});

describe('provenanceProblems', () => {
  it('judges the checkout by the claim schema', () => {
    expect(provenanceProblems(PROVENANCE)).toEqual([]);
    expect(
      provenanceProblems({ ...PROVENANCE, commit: 'abc123', branch: 'a..b', user: 'a b' }),
    ).toEqual([
      { path: 'branch', message: "branch must not contain '..'" },
      { path: 'git_commit', message: 'git_commit must be a full lowercase commit hash' },
      { path: 'user', message: 'user must not contain whitespace or control characters' },
    ]);
  });
});

describe('claimsOfDefinitions', () => {
  const yaml = (name: string, type = 'prod') =>
    `environment_name: ${name}\nenvironment_type: ${type}\nenvironment_pool: eu-1\n`;

  it('reads YAML and JSON files into claims', () => {
    const result = claimsOfDefinitions(
      [
        { path: 'environments/b.json', text: JSON.stringify({ ...PROD, environment_name: 'b' }) },
        { path: 'environments/a.yml', text: yaml('a', 'staging') },
      ],
      PROVENANCE,
      catalogue,
    );
    expect('claims' in result && result.claims.map((claim) => claim.environment_name)).toEqual([
      'a',
      'b',
    ]);
  });

  it('reports syntax errors, empty files and duplicates, one line each, and no claims', () => {
    const result = claimsOfDefinitions(
      [
        { path: 'environments/ok.yaml', text: yaml('ok') },
        { path: 'environments/a.yaml', text: yaml('a') },
        { path: 'environments/a.json', text: JSON.stringify({ ...PROD, environment_name: 'a' }) },
        { path: 'environments/bad.yaml', text: 'environment_name: [bad\n' },
        { path: 'environments/broken.json', text: '{' },
        { path: 'environments/empty.yaml', text: '' },
      ],
      PROVENANCE,
      catalogue,
    );
    expect(result).toEqual({
      problems: [
        {
          file: 'environments/a.yaml',
          path: 'environment_name',
          message: "'a' is already defined by environments/a.json",
        },
        {
          file: 'environments/bad.yaml',
          path: expect.stringMatching(/^line 2/) as string,
          message: expect.any(String) as string,
        },
        {
          file: 'environments/broken.json',
          path: '(root)',
          message: expect.stringContaining('not valid JSON') as string,
        },
        { file: 'environments/empty.yaml', path: '(root)', message: 'the file is empty' },
      ],
    });
  });

  it('knows which files are definitions', () => {
    expect(
      ['a.yaml', 'a.yml', 'a.json', 'README.md', '.yaml', 'a.yaml.bak'].filter(isDefinitionFile),
    ).toEqual(['a.yaml', 'a.yml', 'a.json']);
  });
});

describe('withoutCredentials', () => {
  it("drops GitLab CI's job token from CI_REPOSITORY_URL", () => {
    expect(withoutCredentials('https://gitlab-ci-token:s3cr3t@gitlab.example.com/g/r.git')).toBe(
      'https://gitlab.example.com/g/r.git',
    );
  });
  it('keeps URLs without credentials and scp-like addresses as they are', () => {
    for (const url of [
      'https://gitlab.example.com/g/r.git',
      'git@gitlab.example.com:g/r.git',
      '/srv/git/r.git',
    ]) {
      expect(withoutCredentials(url)).toBe(url);
    }
  });
});

describe('git_commit in the claim schema', () => {
  it('is only allowed on a git claim, as a full hash', () => {
    const base = {
      ...PROD,
      user: 'u',
      creation_date: PROVENANCE.now,
      git_commit: PROVENANCE.commit,
    };
    expect(claimSchema.safeParse(base).error?.issues.map((issue) => issue.path)).toEqual([
      ['git_commit'],
    ]);
    const git = { ...base, deployment_method: 'git', git_repository: 'r', branch: 'main' };
    expect(claimSchema.safeParse(git).success).toBe(true);
    expect(claimSchema.safeParse({ ...git, git_commit: 'B'.repeat(40) }).success).toBe(false);
    expect(claimSchema.safeParse({ ...git, git_commit: 'b'.repeat(64) }).success).toBe(true);
  });
});
