import { InputError } from '../inputs/errors.ts';

/** A mistake in the config file: invalid-input, its message placed as \`file:line:column: key: why\`. */
export function configError(message: string): InputError {
  return new InputError('config', message);
}
