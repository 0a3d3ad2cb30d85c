import { compareText } from '../access/serialize.js';
import { InputError, type FieldError } from '../errors.js';
import { cycleFieldError, findCycles, topologicalOrder } from './dependency-graph.js';

/** What `dependencyClosure` needs of a catalogue: each service's direct dependencies. */
export interface DependencySource {
  readonly services: Readonly<Record<string, { readonly dependsOn: readonly string[] }>>;
}

const LISTED_NAMES = 10;

/** `unknown service 'x'; the catalogue has: a, b, … (N more)`, the list cut at ten names. */
export function unknownServiceMessage(name: string, catalogue: DependencySource): string {
  const names = Object.keys(catalogue.services).sort(compareText);
  if (names.length === 0) return `unknown service '${name}'; the catalogue has no services`;
  const listed = names.slice(0, LISTED_NAMES).join(', ');
  const more = names.length > LISTED_NAMES ? `, … (${names.length - LISTED_NAMES} more)` : '';
  return `unknown service '${name}'; the catalogue has: ${listed}${more}`;
}

/**
 * The named services plus every service they depend on, transitively, each once, in
 * dependency order: a service comes after all its dependencies, and among services whose
 * dependencies are all listed the smallest name (code-unit order) comes first, so the
 * result depends only on the catalogue and the set of names. O((V + E) log V).
 *
 * Throws `InputError`: an unknown name at `services.<name>`; an unknown dependency at
 * `services.<service>.dependsOn.<i>`; a cycle (possible only in a catalogue that was not
 * built by `loadServiceCatalogue`) at `services.<service>.dependsOn.<i>`, naming it.
 */
export function dependencyClosure(catalogue: DependencySource, names: readonly string[]): string[] {
  const has = (name: string) => Object.hasOwn(catalogue.services, name);
  const dependenciesOf = (name: string) => (has(name) ? catalogue.services[name]!.dependsOn : []);
  const problems: FieldError[] = [];
  const closure = new Set<string>();
  const pending: string[] = [];
  for (const name of [...new Set(names)].sort(compareText)) {
    if (!has(name)) {
      problems.push({ path: `services.${name}`, message: unknownServiceMessage(name, catalogue) });
    } else if (!closure.has(name)) {
      closure.add(name);
      pending.push(name);
    }
  }
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    dependenciesOf(name).forEach((dep, i) => {
      if (!has(dep)) {
        problems.push({
          path: `services.${name}.dependsOn.${i}`,
          message: `unknown service '${dep}'`,
        });
      } else if (!closure.has(dep)) {
        closure.add(dep);
        pending.push(dep);
      }
    });
  }
  if (problems.length > 0) {
    throw new InputError(
      'Unknown services',
      problems.sort((a, b) => compareText(a.path, b.path)),
    );
  }

  const { order, blocked } = topologicalOrder([...closure], dependenciesOf);
  if (blocked.length > 0) {
    throw new InputError(
      'Dependency cycle',
      findCycles(blocked, dependenciesOf).map((cycle) => cycleFieldError(cycle, dependenciesOf)),
    );
  }
  return order;
}
