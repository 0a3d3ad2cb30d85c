import { z } from 'zod';
import { dnsLabelSchema } from '../../../claims/names.js';

/**
 * Permissions a SonarQube permission template can give a group (both CRDs list them in the
 * permissions' description: admin, codeviewer, issueadmin, securityhotspotadmin, scan, user).
 */
export const SONAR_PERMISSIONS = [
  'admin',
  'codeviewer',
  'issueadmin',
  'securityhotspotadmin',
  'scan',
  'user',
] as const;
export type SonarPermission = (typeof SONAR_PERMISSIONS)[number];

const metadata = z.strictObject({ name: dnsLabelSchema });
const permissions = z.array(z.enum(SONAR_PERMISSIONS));

/*
 * Both schemas follow the CRDs kept in test/fixtures/kuberocketci/, which the tests check
 * every generated document against. These zod copies stay because they are stricter where
 * the operator is silent: unknown keys (which the API server would prune without a word)
 * and permission names (the CRDs only describe them) are rejected.
 */

/**
 * `SonarPermissionTemplate` of `v2.edp.epam.com/v1` (edp-sonar-operator up to 2.x, the
 * version seed 001 shows): groups as a list, the owning `Sonar` by name in `sonarOwner`.
 */
export const sonarPermissionTemplateV2Schema = z.strictObject({
  apiVersion: z.literal('v2.edp.epam.com/v1'),
  kind: z.literal('SonarPermissionTemplate'),
  metadata,
  spec: z.strictObject({
    description: z.string().optional(),
    groupPermissions: z
      .array(z.strictObject({ groupName: z.string().min(1), permissions }))
      .nullable()
      .optional(),
    name: z.string().min(1),
    projectKeyPattern: z.string().min(1),
    sonarOwner: z.string().min(1),
  }),
});
export type SonarPermissionTemplateV2 = z.infer<typeof sonarPermissionTemplateV2Schema>;

/**
 * `SonarPermissionTemplate` of `edp.epam.com/v1alpha1` (edp-sonar-operator 3.x): groups as
 * a `groupsPermissions` map, the owning `Sonar` in the required `sonarRef`.
 */
export const sonarPermissionTemplateV1Alpha1Schema = z.strictObject({
  apiVersion: z.literal('edp.epam.com/v1alpha1'),
  kind: z.literal('SonarPermissionTemplate'),
  metadata,
  spec: z.strictObject({
    default: z.boolean().optional(),
    description: z.string().optional(),
    groupsPermissions: z.record(z.string().min(1), permissions).nullable().optional(),
    name: z.string().min(1).max(100),
    projectKeyPattern: z.string().min(1).optional(),
    sonarRef: z.strictObject({ name: z.string().min(1), kind: z.literal('Sonar').optional() }),
  }),
});
export type SonarPermissionTemplateV1Alpha1 = z.infer<typeof sonarPermissionTemplateV1Alpha1Schema>;

/** A SonarPermissionTemplate of either generation, told apart by `apiVersion`. */
export const sonarPermissionTemplateSchema = z.discriminatedUnion('apiVersion', [
  sonarPermissionTemplateV1Alpha1Schema,
  sonarPermissionTemplateV2Schema,
]);
export type SonarPermissionTemplate = z.infer<typeof sonarPermissionTemplateSchema>;
