/**
 * The one base class every error of the action extends: it carries its
 * error-code, whose values src/error-codes.ts declares with their cause and fix.
 */
import type { ErrorCode } from './error-codes.ts';

export type { ErrorCode } from './error-codes.ts';

/** An error of the action's own kinds: it carries its error-code, and its message is one readable line. */
export class ActionError extends Error {
  readonly errorCode: ErrorCode;

  constructor(errorCode: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.errorCode = errorCode;
  }
}

/** The message and `error-code` of anything thrown: `unexpected` for what no code of ours made. */
export function describeFailure(error: unknown): { message: string; code: ErrorCode; docUrl?: string | undefined } {
  if (error instanceof ActionError) {
    const docUrl = 'docUrl' in error && typeof error.docUrl === 'string' ? error.docUrl : undefined;
    return { message: error.message, code: error.errorCode, docUrl };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `Unexpected error: ${message}`, code: 'unexpected' };
}
