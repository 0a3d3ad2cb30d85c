import { DEFAULT_ENVIRONMENT_TYPES } from '../../domain/environment-types/catalogue.js';
import { parseServiceCatalogueText } from '../../domain/services/service-catalogue.js';
import { readInputFile } from '../read-input-file.js';
import { reportProblems } from '../report-error.js';

/**
 * `platformctl services check FILE [--types dev,staging,…]`: the checks the server runs on
 * the service catalogue, offline, with the default version policy. Prints every problem
 * as `path: message` and exits 1, or a one-line summary and exits 0, so it fits a CI step
 * before the catalogue is merged.
 */
export async function checkServicesFile(
  file: string,
  options: { types?: string } = {},
): Promise<void> {
  const environmentTypes =
    options.types === undefined
      ? Object.keys(DEFAULT_ENVIRONMENT_TYPES)
      : options.types
          .split(',')
          .map((type) => type.trim())
          .filter((type) => type !== '');
  try {
    const text = await readInputFile(file, 'service catalogue');
    const catalogue = parseServiceCatalogueText(text, file, { environmentTypes });
    const services = catalogue.names.map((name) => catalogue.services[name]!);
    const dependencies = services.reduce((sum, service) => sum + service.dependsOn.length, 0);
    const perType = environmentTypes
      .map((type) => `${type} ${services.filter((s) => s.types.includes(type)).length}`)
      .join(', ');
    process.stdout.write(
      `ok: ${count(services.length, 'service')}, ${count(dependencies, 'dependency', 'dependencies')}; deployed by default: ${perType}\n`,
    );
  } catch (error) {
    reportProblems(error);
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
