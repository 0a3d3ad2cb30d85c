import { z } from 'zod';
import { dnsLabelSchema } from '../../../claims/names.js';

/**
 * Permissions a SonarQube permission template can give a group (the CRD lists them in
 * `groupPermissions[].permissions`' description: admin, codeviewer, issueadmin,
 * securityhotspotadmin, scan, user).
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

/**
 * `SonarPermissionTemplate` of `v2.edp.epam.com/v1`, from the CRD's OpenAPI schema in
 * epam/edp-sonar-operator (`deploy-templates/crds/v2.edp.epam.com_sonarpermissiontemplates.yaml`,
 * the version seed 001 shows; operator 3.x moved to `edp.epam.com/v1alpha1` with a
 * `groupsPermissions` map and `sonarRef`). Strict: an unknown key is a typo the operator
 * would silently drop.
 */
export const sonarPermissionTemplateSchema = z.strictObject({
  apiVersion: z.literal('v2.edp.epam.com/v1'),
  kind: z.literal('SonarPermissionTemplate'),
  metadata: z.strictObject({ name: dnsLabelSchema }),
  spec: z.strictObject({
    description: z.string().optional(),
    groupPermissions: z
      .array(
        z.strictObject({
          groupName: z.string().min(1),
          permissions: z.array(z.enum(SONAR_PERMISSIONS)),
        }),
      )
      .nullable()
      .optional(),
    name: z.string().min(1),
    projectKeyPattern: z.string().min(1),
    sonarOwner: z.string().min(1),
  }),
});
export type SonarPermissionTemplate = z.infer<typeof sonarPermissionTemplateSchema>;
