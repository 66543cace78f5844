import { ActionError } from '../errors.ts';

/** A directory that could not be uploaded, the storage quota reached, or an owner no upload may go to. */
export class UploadError extends ActionError {
  override readonly name = 'UploadError';

  constructor(code: 'upload-failed' | 'upload-quota' | 'owner-not-found', message: string) {
    super(code, message);
  }
}
