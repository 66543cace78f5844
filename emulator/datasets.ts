/** Datasets and slices, read by uid or by owner and slug; a dataset in `creating` becomes `created` in time. */
import { randomUUID } from 'node:crypto';
import type { Reply } from './routes.ts';
import { type Account, type SeedDataset, SLICE, seedDatasets } from './seed.ts';

export interface StoredDataset extends SeedDataset {
  /** Not in answers: reads left before a `creating` dataset is `created`, and the time it is at the latest. */
  readsLeft?: number;
  readyAt?: number;
}

export class Datasets {
  readonly byUid = new Map<string, StoredDataset>();
  /** Reads of each dataset, by uid: what the readiness tests count. */
  readonly reads = new Map<string, number>();

  reset(): void {
    this.byUid.clear();
    this.reads.clear();
    for (const dataset of seedDatasets()) this.byUid.set(dataset.uid, dataset);
  }

  /**
   * Adds a dataset; one `creating` becomes `created` after `readsLeft` reads or
   * at `readyAt` (ms since the epoch), whichever comes first; neither: never.
   */
  add(fields: Partial<StoredDataset> & { slug: string }): StoredDataset {
    const dataset: StoredDataset = {
      uid: randomUUID(),
      name: fields.slug,
      data_type: 'image',
      status: 'created',
      item_count: 10,
      owner_name: 'acme',
      visibility: 'private',
      ...fields,
    };
    this.byUid.set(dataset.uid, dataset);
    return dataset;
  }

  /** GET /datasets/{uid}/, /datasets/{owner}/{slug}/ and /slices/{owner}/{slug}/. */
  route(account: Account, kind: string, segments: string[]): Reply {
    if (kind === 'slices') {
      const [owner, slug] = segments;
      const found = segments.length === 2 && owner === 'acme' && slug === SLICE.slug && account.username === owner;
      return found ? { status: 200, body: { uid: SLICE.uid, name: 'Street subset', slug: SLICE.slug } } : notFound();
    }
    const [first, slug] = segments;
    const dataset =
      segments.length === 1
        ? this.byUid.get(first as string)
        : segments.length === 2
          ? [...this.byUid.values()].find((d) => d.owner_name === first && d.slug === slug)
          : undefined;
    if (!dataset || (dataset.owner_name !== account.username && dataset.visibility !== 'public')) return notFound();
    this.reads.set(dataset.uid, (this.reads.get(dataset.uid) ?? 0) + 1);
    if (dataset.status === 'creating') {
      if (dataset.readsLeft !== undefined) dataset.readsLeft -= 1;
      if ((dataset.readsLeft !== undefined && dataset.readsLeft <= 0) || (dataset.readyAt ?? Infinity) <= Date.now()) {
        dataset.status = 'created';
      }
    }
    const { readsLeft: _reads, readyAt: _at, ...fields } = dataset;
    return { status: 200, body: fields };
  }
}

function notFound(): Reply {
  return { status: 404, body: { detail: 'Not found.' } };
}
