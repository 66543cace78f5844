import { AvalaError } from './errors.ts';
import type { HttpClient, Recovery } from './http.ts';
import { parseDataset, parsePage, parseProject } from './shapes.ts';
import type { StorageOptions } from './storage.ts';
import type { CloneRequest, Dataset, DatasetRef, Page, Project, Transition } from './types.ts';
import type { UploadApi } from './uploads.ts';

/** The page size the API uses by default and the list asks for. */
const PAGE_SIZE = 100;
/** The most pages a lookup by name or uid reads: 100,000 projects. */
const MAX_LOOKUP_PAGES = 1000;

interface PageQuery {
  name?: string;
  ordering?: string;
  pageSize?: number;
  maxPages?: number;
}

export interface ListQuery {
  name?: string;
  ordering?: string;
  limit: number;
  /** Keep only projects in these statuses; the API cannot filter on status, so the client does. */
  statuses?: ReadonlySet<string>;
}

/** The Avala projects API: knows paths, bodies and shapes, nothing of GitHub. */
export class AvalaClient {
  readonly #http: HttpClient;
  /** How that StorageClient sends: the same bounds and proxy as Avala's requests, without the key. */
  readonly storage: StorageOptions | undefined;
  /** The upload under way, as a canceled run names it; set by whoever uploads. */
  uploading: (() => string) | undefined;

  constructor(http: HttpClient, storage?: StorageOptions) {
    this.#http = http;
    this.storage = storage;
  }

  /**
   * The upload protocol's Avala requests; its file requests go to a StorageClient,
   * which holds no key. Loaded only by a run that uploads.
   */
  async uploads(): Promise<UploadApi> {
    const { UploadApi } = await import('./uploads.ts');
    return new UploadApi(this.#http);
  }

  /**
   * Every page of an owner's projects, following `next` exactly as the API gives
   * it. It always ends: a page that repeats, an empty page that links on, or
   * more than `maxPages` pages is a bad response.
   */
  async *pages(owner: string, query: PageQuery = {}): AsyncGenerator<Project[]> {
    const url = this.#url(`projects/${encodeURIComponent(owner)}/`);
    if (query.name) url.searchParams.set('name', query.name);
    if (query.ordering) url.searchParams.set('ordering', query.ordering);
    url.searchParams.set('limit', String(query.pageSize ?? PAGE_SIZE));
    const maxPages = query.maxPages ?? MAX_LOOKUP_PAGES;
    const seen = new Set<string>();
    let next: URL | undefined = url;
    while (next) {
      seen.add(next.href);
      const page: Page = await this.#http.send({ method: 'GET', url: next, parse: parsePage });
      yield page.results;
      const following: URL | undefined = page.next ? new URL(page.next, next) : undefined;
      // A link to another origin goes on to be refused where requests leave, as one that stops the whole run.
      const problem =
        !following || following.origin !== next.origin
          ? undefined
          : seen.has(following.href)
            ? 'the page links back to a page already read (next repeats)'
            : page.results.length === 0
              ? 'an empty page links to another (next without results)'
              : seen.size >= maxPages
                ? `more pages than the ${maxPages} this request can need`
                : undefined;
      // A server whose pages never end would otherwise keep the step busy until it times out.
      if (problem) {
        const path = next.pathname + next.search;
        throw new AvalaError({ kind: 'bad-response', method: 'GET', path, status: 200, detail: problem });
      }
      next = following;
    }
  }

  async listProjects(owner: string, query: ListQuery): Promise<Project[]> {
    const projects: Project[] = [];
    const { limit, statuses } = query;
    const pageSize = Math.min(PAGE_SIZE, limit);
    // Filtered, the pages a limit needs cannot be known: a lookup's bound applies then.
    const maxPages = statuses ? MAX_LOOKUP_PAGES : Math.ceil(limit / pageSize);
    const { name, ordering } = query;
    const filters = { ...(name ? { name } : {}), ...(ordering ? { ordering } : {}) };
    for await (const page of this.pages(owner, { ...filters, pageSize, maxPages })) {
      const kept = statuses ? page.filter((p) => statuses.has(p.status)) : page;
      projects.push(...kept.slice(0, limit - projects.length));
      if (projects.length >= limit) break;
    }
    return projects;
  }

  /**
   * The owner's project named exactly `name`. The API's filter may match more
   * loosely, so the comparison is ours. An owner without any visible project is
   * responded 404 by the API: that is "not found" here too.
   */
  async findByName(owner: string, name: string, onNoProjects?: () => void): Promise<Project | undefined> {
    return this.#find(owner, { name }, (p) => p.name === name, onNoProjects);
  }

  /** Looks a project up by uid among the owner's; the API has no call to read one project. */
  async findByUid(owner: string, uid: string): Promise<Project | undefined> {
    return this.#find(owner, {}, (p) => p.uid === uid);
  }

  async #find(
    owner: string,
    query: { name?: string },
    match: (p: Project) => boolean,
    onNoProjects?: () => void,
  ): Promise<Project | undefined> {
    let read = 0;
    try {
      for await (const page of this.pages(owner, query)) {
        read += 1;
        const found = page.find(match);
        if (found) return found;
      }
    } catch (error) {
      // Only the first page's 404 means "no projects"; a later one is a pagination that broke off.
      if (error instanceof AvalaError && error.status === 404 && read === 0) {
        onNoProjects?.();
        return undefined;
      }
      throw error;
    }
    return undefined;
  }

  /** A dataset by uid or by owner and slug; undefined when the API has none (404). */
  dataset(ref: DatasetRef): Promise<Dataset | undefined> {
    const at = 'uid' in ref ? [ref.uid] : [ref.owner, ref.slug];
    return this.#readIfFound(`datasets/${at.map(encodeURIComponent).join('/')}/`);
  }

  /** A slice by owner and slug; undefined when the API has none (404). */
  slice(ref: { owner: string; slug: string }): Promise<Dataset | undefined> {
    return this.#readIfFound(`slices/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.slug)}/`);
  }

  async #readIfFound(path: string): Promise<Dataset | undefined> {
    try {
      return await this.#http.send({ method: 'GET', url: this.#url(path), parse: parseDataset });
    } catch (error) {
      if (error instanceof AvalaError && error.status === 404) return undefined;
      throw error;
    }
  }

  clone(body: CloneRequest, recover?: () => Promise<Recovery<Project>>): Promise<Project> {
    return this.#http.send({
      method: 'POST',
      url: this.cloneUrl(),
      body,
      parse: parseProject,
      ...(recover ? { recover } : {}),
    });
  }

  cloneUrl(): URL {
    return this.#url('projects/create-from-existing/');
  }

  transition(uid: string, action: Transition, recover?: () => Promise<Recovery<Project>>): Promise<Project> {
    return this.#http.send({
      method: 'POST',
      url: this.transitionUrl(uid, action),
      parse: parseProject,
      ...(recover ? { recover } : {}),
    });
  }

  transitionUrl(uid: string, action: Transition): URL {
    return this.#url(`projects/${encodeURIComponent(uid)}/${action}/`);
  }

  #url(path: string): URL {
    const base = this.#http.baseUrl;
    return new URL(`${base.pathname.replace(/\/$/, '')}/${path}`, base.origin);
  }
}
