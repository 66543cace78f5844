/**
 * The config file's keys (rule 33), checked node by node so that each error names the file, line, column and key:
 * `.github/avala-projects.yml:7:16: kinds[0].data-type: expected image, video or lidar, got "imgae"`.
 */
import { isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { parseDirGlobs } from '../inputs/dataset-dirs.ts';
import { InputError, show } from '../inputs/errors.ts';
import { parseOwner, parseUid } from '../inputs/validate.ts';
import { isSlug } from '../inputs/values.ts';
import { configError } from './errors.ts';
import {
  type ConfigEntry,
  type ConfigFile,
  type ConfigKind,
  DATA_TYPES,
  type DataType,
  ENTRY_KEYS,
  KIND_KEYS,
  keyText,
  kindOf,
  reword,
  STATUSES,
  TOP_KEYS,
} from './keys.ts';

export type { ConfigFile } from './keys.ts';

import type { ConfigText } from './yaml.ts';

type Read<T> = (node: Node | null, key: string) => T;

export function readConfig(text: ConfigText): ConfigFile {
  const where = new Map<string, string>();
  const fail = (node: Node | null | undefined, key: string, why: string): never => {
    throw configError(`${text.at(node)}: ${key}: ${why}.`);
  };
  /** An alias stands for the node its anchor names (the parser has checked that it resolves, at most 100 times). */
  const real = (node: Node | null | undefined): Node | null =>
    isAlias(node) ? ((node.resolve(text.doc) as Node | undefined) ?? null) : (node ?? null);
  const deref =
    <T>(read: Read<T>): Read<T> =>
    (node, key) =>
      read(real(node), key);
  const got = (node: Node | null) => (isScalar(node) ? `got ${show(String(node.value))}` : `got a ${kindOf(node)}`);

  /** The pairs of a mapping by key; an unknown key is an error at that key. Without `known`, any key. */
  const mapping = (aliased: Node | null, key: string, known: readonly string[] | undefined) => {
    const node = real(aliased);
    if (!isMap(node)) return fail(node, key || 'the file', `expected a mapping, ${got(node)}`);
    const pairs = new Map<string, Pair<Node, Node | null>>();
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      // A key is always a string: `2026:` and `on:` are the text they show.
      const name = keyText(pair.key);
      const path = key ? `${key}.${name}` : name;
      if (known && !known.includes(name)) fail(pair.key, path, `unknown key; expected one of ${known.join(', ')}`);
      where.set(path, text.at(pair.value ?? pair.key));
      pairs.set(name, pair);
    }
    return pairs;
  };
  const value = <T>(pairs: Map<string, Pair<Node, Node | null>>, key: string, path: string, read: Read<T>) => {
    const pair = pairs.get(key);
    return pair ? read(pair.value, path) : undefined;
  };
  const required = <T>(
    pairs: Map<string, Pair<Node, Node | null>>,
    key: string,
    path: string,
    parent: Node | null,
  ) => ({
    read: (read: Read<T>): T => {
      const pair = pairs.get(key);
      if (!pair || pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
        return fail(pair?.key ?? parent, path, 'missing; it is required');
      }
      return read(pair.value, path);
    },
  });

  const string: Read<string> = deref((node, key) =>
    isScalar(node) && typeof node.value === 'string' && node.value.trim() !== ''
      ? node.value.trim()
      : fail(node, key, `expected a string, ${got(node)}`),
  );
  const boolean: Read<boolean> = deref((node, key) =>
    isScalar(node) && typeof node.value === 'boolean'
      ? node.value
      : fail(node, key, `expected true or false, ${got(node)}`),
  );
  const whole = (min: number, max: number): Read<number> =>
    deref((node, key) =>
      isScalar(node) && Number.isInteger(node.value) && (node.value as number) >= min && (node.value as number) <= max
        ? (node.value as number)
        : fail(node, key, `expected a whole number from ${min} to ${max}, ${got(node)}`),
    );
  const choice = <T extends string>(choices: readonly T[]): Read<T> =>
    deref((node, key) =>
      isScalar(node) && (choices as readonly unknown[]).includes(node.value)
        ? (node.value as T)
        : fail(node, key, `expected ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, ${got(node)}`),
    );
  /** A check of the inputs' own, its message placed at the node and said in the file's words. */
  const checked =
    <T>(check: (value: string, key: string) => T, read: Read<string> = string): Read<T> =>
    (node, key) => {
      const raw = read(node, key);
      try {
        return check(raw, key);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return fail(node, key, reword(error.message, key, raw));
      }
    };
  const globLines: Read<string> = deref((node, key) => {
    const lines = isSeq(node) ? node.items.map((item, i) => string(item as Node, `${key}[${i}]`)) : [string(node, key)];
    if (lines.length === 0) fail(node, key, 'expected a glob or a list of globs, got an empty list');
    return lines.join('\n');
  });
  const globs = checked((v, key) => {
    parseDirGlobs(v, key);
    return v;
  }, globLines);

  /** `projects`: by dataset slug, each `{status?, project?}`; one project UID under one slug only. */
  const entries = (aliased: Node | null): ConfigEntry[] => {
    const node = real(aliased);
    if (node === null || (isScalar(node) && node.value === null)) return [];
    const bySlug = mapping(node, 'projects', undefined);
    const slugOf = new Map<string, string>();
    return [...bySlug].map(([slug, pair]) => {
      const path = `projects.${slug}`;
      if (!isSlug(slug)) {
        fail(
          pair.key,
          path,
          'expected a dataset slug (lower-case letters, digits, - and _), as its directory is named',
        );
      }
      const fields = mapping(pair.value, path, ENTRY_KEYS);
      const status = value(fields, 'status', `${path}.status`, choice(STATUSES));
      const project = value(
        fields,
        'project',
        `${path}.project`,
        checked((v, key) => parseUid(key, v, 'a project UID')),
      );
      if (status === undefined && project === undefined) fail(pair.value, path, 'expected status, project or both');
      if (project !== undefined) {
        const other = slugOf.get(project.toLowerCase());
        if (other)
          fail(fields.get('project')?.value, `${path}.project`, `project ${project} is also projects.${other}'s`);
        slugOf.set(project.toLowerCase(), slug);
      }
      return { slug, ...(status ? { status } : {}), ...(project ? { project } : {}) };
    });
  };

  const top = mapping(text.doc.contents, '', TOP_KEYS);
  const approve = value(top, 'approve', 'approve', boolean) ?? false;
  const kindsPair = top.get('kinds');
  const kindsNode = real(kindsPair?.value);
  if (!kindsPair)
    fail(text.doc.contents, 'kinds', 'missing; expected a list of kinds, each {dirs, template, data-type}');
  if (!isSeq(kindsNode) || kindsNode.items.length === 0) {
    fail(kindsNode ?? kindsPair?.key, 'kinds', `expected a list of one or more kinds, ${got(kindsNode)}`);
  }
  const kinds = (isSeq(kindsNode) ? (kindsNode.items as Node[]) : []).map((node, i): ConfigKind => {
    const path = `kinds[${i}]`;
    const pairs = mapping(node, path, KIND_KEYS);
    return {
      dirs: required<string>(pairs, 'dirs', `${path}.dirs`, node).read(globs),
      template: required<string>(pairs, 'template', `${path}.template`, node).read(
        checked((v, key) => parseUid(key, v, 'a project UID')),
      ),
      dataType: required<DataType>(pairs, 'data-type', `${path}.data-type`, node).read(choice(DATA_TYPES)),
      approve: value(pairs, 'approve', `${path}.approve`, boolean) ?? approve,
    };
  });
  const projects = entries(top.get('projects')?.value ?? null);
  return {
    owner: required<string>(top, 'owner', 'owner', text.doc.contents).read(checked((v, key) => parseOwner(key, v))),
    kinds,
    approve,
    upload: value(top, 'upload', 'upload', boolean) ?? false,
    name: value(top, 'name', 'name', string),
    waitSeconds: value(top, 'wait-for-dataset', 'wait-for-dataset', whole(0, 21_600)) ?? 600,
    copyCollaborators: value(top, 'copy-collaborators', 'copy-collaborators', boolean) ?? true,
    maxNew: value(top, 'max-new-projects', 'max-new-projects', whole(0, 10_000)) ?? 20,
    maxStops: value(top, 'max-stops', 'max-stops', whole(0, 10_000)) ?? 20,
    orphans: value(top, 'orphans', 'orphans', choice(['report', 'ignore'] as const)) ?? 'report',
    projects,
    uploadWorkers: value(top, 'upload-workers', 'upload-workers', whole(1, 16)) ?? 8,
    where,
  };
}
