import { z } from 'zod';
import { dnsLabelSchema } from '../../../claims/names.js';

/**
 * Custom resources of epam/edp-gerrit-operator (`v2.edp.epam.com/v1`), from the CRDs'
 * OpenAPI schemas in `deploy-templates/crds/` (kept in test/fixtures/kuberocketci/, release
 * v2.24.0, which the tests check the output against). Unlike the sonar and nexus operators,
 * the gerrit operator never moved to `edp.epam.com/v1alpha1`: its latest release and its
 * main branch serve only `v2.edp.epam.com/v1`, so Gerrit output ignores
 * `kuberocketci.apiVersion`. Strict: an unknown key is a typo the operator would silently
 * drop. Names are DNS-1123 labels, stricter than the subdomains
 * Kubernetes allows, because the generator only writes labels.
 */
const metadata = z.strictObject({ name: dnsLabelSchema });

/** Puts an account into a group: `PUT /groups/{groupId}/members/{accountId}` in Gerrit. */
export const gerritGroupMemberSchema = z.strictObject({
  apiVersion: z.literal('v2.edp.epam.com/v1'),
  kind: z.literal('GerritGroupMember'),
  metadata,
  spec: z.strictObject({
    /** The account: the user's e-mail address (seed 001). */
    accountId: z.string().min(1),
    /** The group's name. */
    groupId: z.string().min(1),
    ownerName: z.string().nullable().optional(),
  }),
});
export type GerritGroupMember = z.infer<typeof gerritGroupMemberSchema>;

/** Creates the group when Gerrit lacks it; an existing group is kept. */
export const gerritGroupSchema = z.strictObject({
  apiVersion: z.literal('v2.edp.epam.com/v1'),
  kind: z.literal('GerritGroup'),
  metadata,
  spec: z.strictObject({
    description: z.string().optional(),
    gerritOwner: z.string().optional(),
    name: z.string().min(1),
    visibleToAll: z.boolean().optional(),
  }),
});
export type GerritGroup = z.infer<typeof gerritGroupSchema>;
