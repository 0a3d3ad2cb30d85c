import { z } from 'zod';
import { dnsLabelSchema } from '../claims/names.js';

/**
 * API generations of the KubeRocketCI operators. edp-sonar-operator and edp-nexus-operator
 * served `v2.edp.epam.com/v1` up to their 2.x releases (seed 001 shows it) and serve
 * `edp.epam.com/v1alpha1` from 3.0.0 on. edp-gerrit-operator has no 3.x and still serves
 * only `v2.edp.epam.com/v1`, so Gerrit output does not follow this setting.
 */
export const KUBEROCKETCI_API_VERSIONS = ['edp.epam.com/v1alpha1', 'v2.edp.epam.com/v1'] as const;
export type KubeRocketCiApiVersion = (typeof KUBEROCKETCI_API_VERSIONS)[number];

/** The placeholder for a NexusUser's object name in `nexusUserSecret.name`. */
export const NEXUS_USER_PLACEHOLDER = '{user}';

// A Secret name is a DNS-1123 subdomain; the placeholder stands for a DNS label.
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Where a `edp.epam.com/v1alpha1` NexusUser's password is (the CRD requires `secret`,
 * `$<name>:<key>`, and the operator sets it as the user's Nexus password). The compiler
 * never writes passwords: the Secrets come from the cluster's secret store. `{user}` is
 * required so that no two users share a password.
 */
export const nexusUserSecretSchema = z.strictObject({
  name: z
    .string()
    .max(180)
    .refine((name) => name.includes(NEXUS_USER_PLACEHOLDER), {
      message: `must contain ${NEXUS_USER_PLACEHOLDER}: one Secret per user, never a shared password`,
    })
    .refine((name) => SECRET_NAME.test(name.replaceAll(NEXUS_USER_PLACEHOLDER, 'u')), {
      message: `must be a Secret name (lowercase letters, digits, '-', '.') once ${NEXUS_USER_PLACEHOLDER} is filled in`,
    }),
  key: z
    .string()
    .regex(/^[-._a-zA-Z0-9]+$/, "must be a Secret data key (letters, digits, '-', '_', '.')"),
});
export type NexusUserSecret = z.infer<typeof nexusUserSecretSchema>;

/**
 * An organization's KubeRocketCI installation: the operators' API generation and the
 * custom resources its SonarQube and Nexus objects belong to (`sonarRef` / `sonarOwner`,
 * `nexusRef` / `ownerName`). Organizations naming the same `Sonar` or `Nexus` share it and
 * its output files, so they must agree on the generation (checked by the model checks).
 * Defaults: the current generation and the names the operators' examples use.
 */
export const kuberocketciSchema = z.strictObject({
  apiVersion: z.enum(KUBEROCKETCI_API_VERSIONS).default('edp.epam.com/v1alpha1'),
  /** The `Sonar` custom resource (seed 001: `sonarOwner: sonar`). */
  sonar: dnsLabelSchema.default('sonar'),
  /** The `Nexus` custom resource. */
  nexus: dnsLabelSchema.default('nexus'),
  /** `edp.epam.com/v1alpha1` only: each NexusUser's password Secret and key. */
  nexusUserSecret: nexusUserSecretSchema.default({ name: 'nexus-user-{user}', key: 'password' }),
});
export type KubeRocketCiSettings = z.infer<typeof kuberocketciSchema>;
