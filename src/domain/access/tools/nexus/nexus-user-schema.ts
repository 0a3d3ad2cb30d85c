import { z } from 'zod';
import { dnsLabelSchema } from '../../../claims/names.js';

/** Seed 001: "Nexus has four distinct roles available". */
export const NEXUS_ROLES = ['edp-admin', 'edp-viewer', 'nx-admin', 'nx-anonymous'] as const;
export type NexusRole = (typeof NEXUS_ROLES)[number];

/**
 * `NexusUser` of `v2.edp.epam.com/v1`, from the CRD's OpenAPI schema in
 * epam/edp-nexus-operator (`deploy-templates/crds/v2.edp.epam.com_nexususers.yaml`, the API
 * of seed 001's time, where users sign in through OAuth2-Proxy and Nexus' Rut Auth realm
 * maps them to this user by name; operator 3.x moved to `edp.epam.com/v1alpha1`, whose
 * NexusUser requires a password Secret). Every spec field is required by the CRD. Strict:
 * an unknown key is a typo the operator would silently drop.
 */
export const nexusUserSchema = z.strictObject({
  apiVersion: z.literal('v2.edp.epam.com/v1'),
  kind: z.literal('NexusUser'),
  metadata: z.strictObject({ name: dnsLabelSchema }),
  spec: z.strictObject({
    /** The Nexus custom resource that owns the user. */
    ownerName: z.string().min(1),
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    email: z.email(),
    /** The user name Nexus sees in OAuth2-Proxy's `X-Forwarded-Preferred-Username`. */
    userId: z.string().min(1),
    roles: z.array(z.enum(NEXUS_ROLES)).min(1),
    status: z.enum(['active', 'disabled']),
  }),
});
export type NexusUser = z.infer<typeof nexusUserSchema>;
