/** The emulator's accounts, keys and seeded projects: fixed, so that tests, the demo and people can name them. */

export type Plan = 'BASIC' | 'PRO' | 'ENTERPRISE';
export type Role = 'customer' | 'coworker' | 'staff';

export interface Account {
  username: string;
  key: string;
  plan: Plan;
  scopes: readonly string[];
  role: Role;
  /** Digit that makes this owner's seeded UIDs unique. */
  seed: number;
}

const READ_WRITE = ['projects.read', 'projects.write'] as const;

export const KEYS = {
  /** acme: PRO plan, projects.write scope. */
  pro: 'avk_emu_pro_acme_0123456789abcdef',
  /** dev@acme.com: ENTERPRISE plan; an owner whose name is an e-mail address. */
  email: 'avk_emu_ent_dev_0123456789abcdef',
  /** nowrite: PRO plan, key without the projects.write scope. */
  noScope: 'avk_emu_pro_noscope_0123456789ab',
  /** basicco: BASIC plan, which may not approve. */
  basic: 'avk_emu_basic_0123456789abcdef01',
  /** helper: a coworker account, which may not clone. */
  coworker: 'avk_emu_coworker_0123456789abcde',
} as const;

export const ACCOUNTS: readonly Account[] = [
  { username: 'acme', key: KEYS.pro, plan: 'PRO', scopes: READ_WRITE, role: 'customer', seed: 6 },
  { username: 'dev@acme.com', key: KEYS.email, plan: 'ENTERPRISE', scopes: READ_WRITE, role: 'customer', seed: 7 },
  { username: 'nowrite', key: KEYS.noScope, plan: 'PRO', scopes: ['projects.read'], role: 'customer', seed: 1 },
  { username: 'basicco', key: KEYS.basic, plan: 'BASIC', scopes: READ_WRITE, role: 'customer', seed: 2 },
  { username: 'helper', key: KEYS.coworker, plan: 'PRO', scopes: READ_WRITE, role: 'coworker', seed: 3 },
];

export const TASK_TYPES = [
  'image-annotation',
  'video-annotation',
  'point-cloud-annotation',
  'point-cloud-objects',
] as const;

/**
 * Seeded UIDs follow the documentation's own examples, which are not
 * hexadecimal: acme's image template is the seed file's 770a9600-…-668877660000.
 */
export function seededUid(account: Account, n: number): string {
  return `770a9600-a40d-63f6-c938-6688776${account.seed}${String(n).padStart(4, '0')}`;
}

/** acme's templates, one per task type, in TASK_TYPES order. */
export const TEMPLATES = {
  image: '770a9600-a40d-63f6-c938-668877660000',
  video: '770a9600-a40d-63f6-c938-668877660001',
  pointCloud: '770a9600-a40d-63f6-c938-668877660002',
  pointCloudObjects: '770a9600-a40d-63f6-c938-668877660003',
} as const;

/** acme's project that the platform has completed: the one that can be archived from the start. */
export const COMPLETED_PROJECT = '770a9600-a40d-63f6-c938-668877660004';

/** The dataset UID from the seed file's clone example (not hexadecimal either). */
export const DATASET = '880b0700-b51e-74g7-d049-779988770000';

/** What every reset starts from: each customer's templates and completed batch, and one public project. */
export interface SeedProject {
  uid: string;
  name: string;
  task_type: string;
  status: string;
  visibility: 'public' | 'private';
  owner_name: string;
  short_description: string;
}

export function seedProjects(): SeedProject[] {
  const seeded: SeedProject[] = ACCOUNTS.filter((a) => a.role === 'customer').flatMap((account): SeedProject[] => [
    ...TASK_TYPES.map((taskType, n) => ({
      uid: seededUid(account, n),
      name: `Template: ${taskType}`,
      task_type: taskType,
      status: 'active',
      visibility: 'private' as const,
      owner_name: account.username,
      short_description: `Template for ${taskType}`,
    })),
    {
      uid: seededUid(account, TASK_TYPES.length),
      name: 'Finished batch',
      task_type: 'image-annotation',
      status: 'completed',
      visibility: 'private' as const,
      owner_name: account.username,
      short_description: 'A batch the platform has completed',
    },
  ]);
  // One public project, visible to every key through its owner's list.
  const acme = ACCOUNTS[0] as Account;
  seeded.push({
    uid: seededUid(acme, 99),
    name: 'Public showcase',
    task_type: 'image-annotation',
    status: 'active',
    visibility: 'public',
    owner_name: acme.username,
    short_description: 'A public project',
  });
  if (!seeded.some((p) => p.uid === COMPLETED_PROJECT)) throw new Error('seed is inconsistent');
  return seeded;
}

export interface SeedDataset {
  uid: string;
  name: string;
  slug: string;
  data_type: 'image' | 'video' | 'lidar' | 'mcap' | 'splat';
  status: 'creating' | 'created';
  item_count: number;
  owner_name: string;
  visibility: 'public' | 'private';
}

/** acme's datasets by slug, each a different kind; street-2026-w47 is the seed file's DATASET. */
export const DATASETS = {
  street: 'street-2026-w47',
  street2: 'street-2026-w48',
  lidar: 'lidar-2026-w47',
  drive: 'drive-2026-w47',
  scan: 'scan-2026-w47',
} as const;

/** acme's slice of the street dataset. */
export const SLICE = { uid: '990c0800-c62f-85h8-e15a-88aa99880000', slug: 'street-subset' } as const;

export function seedDatasets(): SeedDataset[] {
  const kinds: Array<[string, SeedDataset['data_type']]> = [
    [DATASETS.street, 'image'],
    [DATASETS.street2, 'image'],
    [DATASETS.lidar, 'lidar'],
    [DATASETS.drive, 'video'],
    [DATASETS.scan, 'splat'],
  ];
  return kinds.map(([slug, data_type], n) => ({
    uid: n === 0 ? DATASET : `880b0700-b51e-74g7-d049-77998877${String(n).padStart(4, '0')}`,
    name: slug,
    slug,
    data_type,
    status: 'created',
    item_count: 100 * (n + 1),
    owner_name: 'acme',
    visibility: 'private',
  }));
}
