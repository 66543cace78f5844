import { ActionError } from '../errors.ts';

/** A bad input: the step fails with this one line, before any request. */
export class InputError extends ActionError {
  override readonly name = 'InputError';
  readonly input: string;

  constructor(input: string, message: string) {
    super('invalid-input', message);
    this.input = input;
  }
}

/** Quotes a value for a message: escapes control characters, keeps it short. */
export function show(value: string): string {
  const chars = [...value];
  return JSON.stringify(chars.length > 60 ? `${chars.slice(0, 57).join('')}...` : value);
}
