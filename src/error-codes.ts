/**
 * Every value of the `error-code` output, declared once: the union types the
 * code uses, and each code's cause and fix, from which README's Troubleshooting
 * table and action.yml's text are generated (`npm run docs`). Only its types
 * reach the bundle: the texts are for the docs.
 */
interface ErrorDoc {
  /** A code the action sets itself, or an example of Avala's (`http-<status>`, the API's own `code`). */
  code: string;
  cause: string;
  fix: string;
}

export const ERROR_CODES = [
  {
    code: 'invalid-input',
    cause: 'An input (or a proxy variable) is missing or malformed; the message names it. Nothing was sent.',
    fix: 'Correct the input the message names.',
  },
  {
    code: 'http-401',
    cause: 'Avala refused the key: missing, mistyped or expired.',
    fix: 'Check the secret behind api-key, and that base-url is the deployment the key belongs to.',
  },
  {
    code: 'scope_required',
    cause: 'The key lacks a scope the call needs (projects.write to clone, approve or change a status).',
    fix: 'Create a key with the projects.write scope.',
  },
  {
    code: 'plan_insufficient',
    cause: "The account's plan does not allow the call: approving needs PRO or ENTERPRISE.",
    fix: 'Upgrade the plan, or approve in Avala by hand and drop approve: true.',
  },
  {
    code: 'http-403',
    cause: 'No permission for this project or template (a coworker account, a project of another owner).',
    fix: "Use the owner's key, or ask the owner to share the project.",
  },
  {
    code: 'http-404',
    cause: 'The project, template or owner does not exist, or is not visible to this key.',
    fix: 'Check the UID or owner, and that the key belongs to the account that owns them.',
  },
  {
    code: 'http-400',
    cause: 'Avala refused the request: a field is invalid, or the project is not in a status that allows the call.',
    fix: 'The message gives the current status and the calls it allows; set owner to let the action check it.',
  },
  {
    code: 'http-409',
    cause: 'A project of that name exists already, and the action could not look it up.',
    fix: 'Set owner, so that a re-run finds and reuses the project; or choose another name.',
  },
  {
    code: 'already-exists',
    cause: 'The owner has a project of that name and if-exists is fail.',
    fix: 'Use if-exists: reuse, or another name.',
  },
  {
    code: 'http-429',
    cause: 'Avala throttled the requests and asked for a wait longer than 60 s.',
    fix: 'Run fewer steps at once (concurrency), or later.',
  },
  {
    code: 'rate-limited',
    cause: "The API's rate limit resets more than 60 s from now; the request was not sent.",
    fix: 'Run fewer steps at once (concurrency), or later.',
  },
  {
    code: 'http-302',
    cause:
      'Avala, or something in front of it, answered with a redirect (any http-3xx), which the action does not follow: the key goes to base-url only.',
    fix: "Set base-url to the API's own https address, as the redirect's target says (without following it blindly).",
  },
  {
    code: 'http-500',
    cause: 'Avala failed (500, 502, 503, 504 and other http-5xx) and retries did not help.',
    fix: 'Re-run later. A clone or approve may have taken effect: with owner, a re-run finds what it did.',
  },
  {
    code: 'timeout',
    cause: 'No response within timeout seconds, on every attempt.',
    fix: 'Raise timeout or retries; on a self-hosted runner, check the network or proxy.',
  },
  {
    code: 'network',
    cause: 'The connection failed (refused, reset, DNS), or a pagination link to another origin was refused.',
    fix: "Check base-url and the runner's network or proxy variables.",
  },
  {
    code: 'bad-response',
    cause: 'A response the action cannot use: over 10 MB, or pages that never end.',
    fix: 'Check base-url points at the Avala API, not at a proxy or another service; report it if it does.',
  },
  {
    code: 'dataset-not-found',
    cause: 'A dataset or slice given as owner/slug does not exist for that owner (only that item failed).',
    fix: 'Check the slug and owner, and that the upload finished; a re-run with owner then does the rest.',
  },
  {
    code: 'dataset-not-ready',
    cause: 'A dataset was still being ingested when wait-for-dataset ran out (only that item failed).',
    fix: 'Raise wait-for-dataset, or re-run with owner once Avala shows the dataset as created.',
  },
  {
    code: 'unsupported-dataset',
    cause: 'A directory that dataset-dirs found is a dataset of a type no project takes (mcap, splat).',
    fix: 'Keep such datasets out of the dataset-dirs globs, or name them in dataset or lidar-dataset if they fit.',
  },
  {
    code: 'too-many-projects',
    cause:
      'A dataset-dirs or config run (or its plan) would create, approve or resume more projects than max-new-projects allows; nothing was created or changed.',
    fix: 'Check the plan; if it is right, raise max-new-projects for one run (the message says to what), then set it back.',
  },
  {
    code: 'too-many-stops',
    cause:
      'A config run (or its plan) would pause, cancel or archive more projects than max-stops allows; nothing was sent.',
    fix: 'Check the plan; if it is right, raise max-stops for one run (the message says to what), then set it back.',
  },
  {
    code: 'invalid-transition',
    cause:
      "The config file's projects entry asks for a status Avala cannot reach from the project's (an archive of an active project); only that item failed, before anything changed.",
    fix: 'Follow the way the message gives (cancel it first: status: canceled), or change the entry.',
  },
  {
    code: 'project-not-found',
    cause:
      "A projects entry's project UID is not among the owner's projects that the key can see (only that item failed).",
    fix: 'Check the UID and owner, and that the key belongs to the account that owns the project.',
  },
  {
    code: 'owner-not-found',
    cause:
      "Directories were to be uploaded, and Avala answered the owner's listing with 404 or 403: no such owner, or none of its projects that the key may see. Nothing was uploaded.",
    fix: 'Check owner (the account that owns the template and the datasets) and that the key belongs to it.',
  },
  {
    code: 'upload-failed',
    cause:
      'A directory could not be uploaded: no file to upload, a file over 5 GB or changed while read, a path not valid UTF-8, a Git LFS file not fetched, or a storage target refused or not allowed (only that item failed; no dataset was created for it).',
    fix: 'Mend what the message names and re-run: the directory is uploaded again whole.',
  },
  {
    code: 'upload-quota',
    cause: "Avala's storage quota would be passed (413): nothing more was uploaded in that run.",
    fix: 'Free storage at Avala or raise the quota, then re-run.',
  },
  {
    code: 'not-tried',
    cause: 'In results only: the item was left out because an earlier one failed in a way that would fail it too.',
    fix: "Mend the earlier item's error, then re-run with owner.",
  },
  {
    code: 'canceled',
    cause: 'The run was canceled while it worked; the log names the request in flight.',
    fix: 'With owner, a re-run finds what the canceled run did. Without, check Avala before running again.',
  },
  {
    code: 'unexpected',
    cause: 'A bug in the action, or an outputs file the runner gave that cannot be written.',
    fix: 'Re-run with debug logging on and open an issue with the log.',
  },
] as const satisfies readonly ErrorDoc[];

type Documented = (typeof ERROR_CODES)[number]['code'];

/** The codes the action makes itself; the rest come from Avala's response. */
export type OwnErrorCode = Exclude<Documented, `http-${string}` | 'plan_insufficient' | 'scope_required'>;

/** An error-code value: the action's own, `http-<status>`, or the API's `code` as Avala sent it. */
export type ErrorCode = OwnErrorCode | `http-${number}` | ApiErrorCode;

/** The API's machine-readable `code` (plan_insufficient, scope_required, or one it adds later). */
export type ApiErrorCode = 'plan_insufficient' | 'scope_required' | (string & { readonly apiCode?: never });
