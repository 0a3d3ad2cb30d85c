import { z } from 'zod';
import { dnsLabelSchema } from '../../../claims/names.js';

/** Seed 001: "Nexus has four distinct roles available". */
export const NEXUS_ROLES = ['edp-admin', 'edp-viewer', 'nx-admin', 'nx-anonymous'] as const;
export type NexusRole = (typeof NEXUS_ROLES)[number];

const metadata = z.strictObject({ name: dnsLabelSchema });
const roles = z.array(z.enum(NEXUS_ROLES)).min(1);

/*
 * Both schemas follow the CRDs kept in test/fixtures/kuberocketci/, which the tests check
 * every generated document against. These zod copies stay because they are stricter where
 * the operator is silent: unknown keys (pruned by the API server without a word), role
 * names and e-mail syntax are rejected.
 */

/**
 * `NexusUser` of `v2.edp.epam.com/v1` (edp-nexus-operator up to 2.x, seed 001's time):
 * users sign in through OAuth2-Proxy and Nexus' Rut Auth realm maps them to this user by
 * `userId`; the owning `Nexus` by name in `ownerName`. Every spec field is required.
 */
export const nexusUserV2Schema = z.strictObject({
  apiVersion: z.literal('v2.edp.epam.com/v1'),
  kind: z.literal('NexusUser'),
  metadata,
  spec: z.strictObject({
    ownerName: z.string().min(1),
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    email: z.email(),
    /** The user name Nexus sees in OAuth2-Proxy's `X-Forwarded-Preferred-Username`. */
    userId: z.string().min(1),
    roles,
    status: z.enum(['active', 'disabled']),
  }),
});
export type NexusUserV2 = z.infer<typeof nexusUserV2Schema>;

/**
 * `NexusUser` of `edp.epam.com/v1alpha1` (edp-nexus-operator 3.x): the user name in `id`
 * (immutable), the owning `Nexus` in `nexusRef`, and a required password Secret reference
 * `secret: $<name>:<key>` that the operator sets as the user's password.
 */
export const nexusUserV1Alpha1Schema = z.strictObject({
  apiVersion: z.literal('edp.epam.com/v1alpha1'),
  kind: z.literal('NexusUser'),
  metadata,
  spec: z.strictObject({
    id: z.string().min(1).max(512),
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    email: z.email().max(254),
    secret: z.string().regex(/^\$[^:]+:[^:]+$/, 'must be $<secret name>:<key>'),
    roles,
    nexusRef: z.strictObject({ name: z.string().min(1), kind: z.literal('Nexus').optional() }),
    status: z.enum(['active', 'disabled']).optional(),
  }),
});
export type NexusUserV1Alpha1 = z.infer<typeof nexusUserV1Alpha1Schema>;

/** A NexusUser of either generation, told apart by `apiVersion`. */
export const nexusUserSchema = z.discriminatedUnion('apiVersion', [
  nexusUserV1Alpha1Schema,
  nexusUserV2Schema,
]);
export type NexusUser = z.infer<typeof nexusUserSchema>;
