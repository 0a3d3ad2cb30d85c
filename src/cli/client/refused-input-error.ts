import { InputError } from '../../domain/errors.js';

/**
 * A 400 from the server: the request was well-formed for the client but the server refused
 * it (the CLI exits 1, unlike a local usage error's 2; the console shows it next to the
 * fields). Field errors come along.
 */
export class RefusedInputError extends InputError {}
