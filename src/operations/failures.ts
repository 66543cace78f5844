import { AvalaError } from '../api/errors.ts';

/** The message and `error-code` of a failure: errors of the action's own kinds carry their code. */
export function describeFailure(error: unknown): { message: string; code: string; docUrl?: string | undefined } {
  if (error instanceof AvalaError) return { message: error.message, code: error.errorCode, docUrl: error.docUrl };
  if (error instanceof Error && 'errorCode' in error && typeof error.errorCode === 'string') {
    return { message: error.message, code: error.errorCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `Unexpected error: ${message}`, code: 'unexpected' };
}
