/** Kept in step with package.json by a test; sent in every User-Agent. */
export const VERSION = '1.0.0';
export const USER_AGENT = `avala-projects-action/${VERSION}`;
