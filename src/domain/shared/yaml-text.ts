import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../errors.js';

/**
 * Parses one YAML document. A syntax error becomes an `InputError` whose field error names
 * the line and column, so config and tenancy files report the same way.
 */
export function parseYamlText(text: string, what: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      throw new InputError(
        `${what} is not valid YAML`,
        [
          {
            path: at ? `line ${at.line}, column ${at.col}` : '(file)',
            message: error.message.split('\n')[0] ?? error.message,
          },
        ],
        { cause: error },
      );
    }
    throw error;
  }
}
