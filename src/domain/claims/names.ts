import { z } from 'zod';

/** RFC 1123 label, as Kubernetes uses for namespaces: the name becomes a namespace and a key. */
export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MAX_LENGTH = 63;

/**
 * Explains why `value` is not a DNS-1123 label, naming the first rule it breaks; `undefined`
 * when it is one. The specific cases first, because they are the dangerous ones: names end
 * up in object keys and file paths (`/`, `..`) and in logs (control characters).
 */
export function dnsLabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > DNS_LABEL_MAX_LENGTH) {
    return `must be at most ${DNS_LABEL_MAX_LENGTH} characters (got ${value.length})`;
  }
  // eslint-disable-next-line no-control-regex -- detecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (/\s/.test(value)) return 'must not contain spaces';
  if (value.includes('/') || value.includes('\\')) return "must not contain '/' or '\\'";
  if (value.includes('..')) return "must not contain '..'";
  if (/[A-Z]/.test(value)) return 'must be lower case';
  if (!DNS_LABEL_PATTERN.test(value)) {
    return "must consist of lower-case letters, digits and '-', and start and end with a letter or digit";
  }
  return undefined;
}

/** A DNS-1123 label (lower-case letters, digits, `-`; at most 63 characters). */
export const dnsLabelSchema = z
  .string()
  .max(DNS_LABEL_MAX_LENGTH, {
    error: (issue) => labelInputProblem(issue.input) ?? 'too long',
  })
  .regex(DNS_LABEL_PATTERN, {
    error: (issue) => labelInputProblem(issue.input) ?? 'not a DNS-1123 label',
  })
  .meta({
    description:
      "DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.",
    examples: ['dev-team1-feature-x'],
  });

function labelInputProblem(input: unknown): string | undefined {
  return typeof input === 'string' ? dnsLabelProblem(input) : undefined;
}

export function isDnsLabel(value: string): boolean {
  return dnsLabelProblem(value) === undefined;
}
