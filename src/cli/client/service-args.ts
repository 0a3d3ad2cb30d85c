import { InputError } from '../../domain/errors.js';

/**
 * `user-service:v1.2.3`, `auth-service:^2.1.0` or `user-service=v1.2.3` → a services map.
 * The name ends at the first `:` or `=`; the rest is the version or constraint, checked by
 * the server against the type's version policy.
 */
export function parseServiceArgs(args: readonly string[]): Record<string, string> {
  const services: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.search(/[:=]/);
    const name = at < 0 ? '' : arg.slice(0, at).trim();
    const version = at < 0 ? '' : arg.slice(at + 1).trim();
    if (name === '' || version === '') {
      throw new InputError(
        `service '${arg}' must be NAME:VERSION, e.g. user-service:v1.2.3 or auth-service:^2.1.0`,
      );
    }
    if (Object.hasOwn(services, name)) {
      throw new InputError(`service '${name}' is given twice`);
    }
    services[name] = version;
  }
  return services;
}
