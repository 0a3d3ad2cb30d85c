import { describe, expect, it } from 'vitest';
import {
  serviceRows,
  shortDigest,
  type EnvironmentView,
} from '../../../console/src/pages/environment/service-rows.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const artifact = (repository: string, tag: string, c: string) => ({
  repository,
  tag,
  digest: digest(c),
});

const view = (fields: Partial<EnvironmentView['status']>, services: EnvironmentView['services']) =>
  ({
    environment_name: 'koa-x',
    environment_type: 'dev',
    environment_pool: 'koa',
    user: 'anna@example.com',
    creation_date: '2026-01-10T12:00:00Z',
    services,
    status: {
      bucket: 'environments',
      managed_by: 'api',
      expires_at: null,
      expires_in: null,
      expiring: false,
      etag: 'e1',
      ...fields,
    },
  }) as EnvironmentView;

describe('serviceRows (requested vs resolved)', () => {
  it('joins the claim with the resolution per artifact, in name order, defaults included', () => {
    const rows = serviceRows(
      view(
        {
          versions: { web: 'v1.2.3', auth: 'v1.0.1' },
          deployment: {
            phase: 'Rendered',
            reason: null,
            revision: 2,
            content_digest: null,
            rendered_at: null,
            resolved_at: null,
            pinned_revision: null,
            resolved: {
              web: {
                constraint: '^1.0.0',
                source: 'claim',
                stream: 'release',
                image: artifact('docker-releases/web', 'v1.2.3', 'a'),
                deployment: artifact('oci-releases/web-ansible', 'v1.2.3', 'b'),
              },
              auth: {
                constraint: '*',
                source: 'default',
                stream: 'release',
                image: artifact('docker-releases/auth', 'v1.0.1', 'c'),
                deployment: artifact('oci-releases/auth-ansible', 'v1.0.1', 'd'),
              },
            },
          },
        },
        { web: '^1.0.0', api: { version: 'v2.0.0', docker_image: 'x/api:v2.0.0' } },
      ),
    );
    expect(rows.map((row) => row.name)).toEqual(['api', 'auth', 'web']);
    expect(rows[0]).toMatchObject({ requested: 'v2.0.0', image: undefined, source: 'claim' });
    expect(rows[1]).toMatchObject({ requested: '*', source: 'default', deployedTag: 'v1.0.1' });
    expect(rows[1]?.image?.digest).toBe(digest('c'));
    expect(rows[2]).toMatchObject({ requested: '^1.0.0', source: 'claim' });
    expect(rows[2]?.deployment).toEqual(artifact('oci-releases/web-ansible', 'v1.2.3', 'b'));
  });

  it('shows the claim alone where no deployer runs', () => {
    expect(serviceRows(view({}, { web: 'v1' }))).toEqual([
      {
        name: 'web',
        requested: 'v1',
        source: 'claim',
        image: undefined,
        deployment: undefined,
        deployedTag: undefined,
      },
    ]);
  });
});

describe('shortDigest', () => {
  it('keeps the algorithm and twelve hex digits', () => {
    expect(shortDigest(digest('a'))).toBe('sha256:aaaaaaaaaaaa');
    expect(shortDigest('opaque')).toBe('opaque');
  });
});
