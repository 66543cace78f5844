/** A bad input: the step fails with this one line, before any request. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly errorCode = 'invalid-input';
  readonly input: string;

  constructor(input: string, message: string) {
    super(message);
    this.input = input;
  }
}

/** Quotes a value for a message: escapes control characters, keeps it short. */
export function show(value: string): string {
  const chars = [...value];
  return JSON.stringify(chars.length > 60 ? `${chars.slice(0, 57).join('')}...` : value);
}
