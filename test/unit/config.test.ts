/** The config file (rule 33): parsed as YAML 1.2, checked before any request, every error placed in the file. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/schema.ts';
import { parseConfigText, readConfigText } from '../../src/config/yaml.ts';
import { InputError } from '../../src/inputs/errors.ts';

const FILE = '.github/avala-projects.yml';
const parse = async (text: string) => readConfig(parseConfigText(FILE, text));
const failure = (text: string) =>
  parse(text).then(
    () => 'no error',
    (error: unknown) => (error instanceof InputError ? `${error.errorCode} ${error.message}` : String(error)),
  );

const GOOD = `owner: acme
approve: true
kinds:
  - dirs: [datasets/images/*, "!datasets/images/tmp"]
    data-type: image
    template: 770a9600-a40d-63f6-c938-668877660000
  - dirs: datasets/lidar/*
    data-type: lidar
    template: 770a9600-a40d-63f6-c938-668877660002
    approve: false
projects:
  street-2026-w31: { status: paused }
  lot-2025-w50: { project: 61e18534-a40d-63f6-c938-668877660042 }
`;

describe('a good file', () => {
  it('gives every key, with the defaults filled in and kinds overriding approve', async () => {
    const config = await parse(GOOD);
    expect(config).toMatchObject({
      owner: 'acme',
      approve: true,
      upload: false,
      name: undefined,
      waitSeconds: 600,
      copyCollaborators: true,
      maxNew: 20,
      maxStops: 20,
      orphans: 'report',
      uploadWorkers: 8,
      projects: [
        { slug: 'street-2026-w31', status: 'paused' },
        { slug: 'lot-2025-w50', project: '61e18534-a40d-63f6-c938-668877660042' },
      ],
    });
    expect(config.kinds.map((k) => [k.dirs, k.dataType, k.approve])).toEqual([
      ['datasets/images/*\n!datasets/images/tmp', 'image', true],
      ['datasets/lidar/*', 'lidar', false],
    ]);
  });

  it('reads YAML 1.2: on, no and yes are text, and a number key is a string', async () => {
    const config = await parse(`${GOOD}  "on": { status: canceled }\n`);
    expect(config.projects.at(-1)).toEqual({ slug: 'on', status: 'canceled' });
    expect(await failure(GOOD.replace('approve: true', 'approve: yes'))).toBe(
      `invalid-input ${FILE}:2:10: approve: expected true or false, got "yes".`,
    );
  });
});

describe('a bad file names the file, line, column and key', () => {
  it.each([
    [
      'data-type: image',
      'data-type: imgae',
      `${FILE}:5:16: kinds[0].data-type: expected image, video or lidar, got "imgae".`,
    ],
    [
      'owner: acme',
      'owner: ac/me',
      `${FILE}:1:8: owner: expected a username or e-mail address (letters, digits and . _ + @ -), got "ac/me".`,
    ],
    ['owner: acme\n', 'owner: acme\ncolour: red\n', `${FILE}:2:1: colour: unknown key; expected one of owner, kinds,`],
    ['    approve: false\n', '    approve: false\n    aprove: true\n', `${FILE}:11:5: kinds[1].aprove: unknown key`],
    [
      'template: 770a9600-a40d-63f6-c938-668877660000',
      'template: 770a9600/../x',
      `${FILE}:6:15: kinds[0].template: expected a project UID`,
    ],
    [
      '{ status: paused }',
      '{ status: stopped }',
      `${FILE}:12:30: projects.street-2026-w31.status: expected active, paused, canceled or archived, got "stopped".`,
    ],
    ['street-2026-w31:', 'Street_W31:', `${FILE}:12:3: projects.Street_W31: expected a dataset slug`],
    [
      '"!datasets/images/tmp"',
      '!datasets/images/tmp',
      `${FILE}:4:31: "!datasets/images/tmp" reads as a YAML tag; quote it, as in "!datasets/images/tmp".`,
    ],
    ['dirs: datasets/lidar/*', 'dirs: *lidar', `${FILE}:7:11: "*lidar" reads as a YAML alias; quote it.`],
    [
      'dirs: datasets/lidar/*',
      'dirs: datasets/**',
      `${FILE}:7:11: kinds[1].dirs: ** is refused, since a dataset is a directory at a fixed depth`,
    ],
    [
      'approve: true\n',
      'approve: true\napprove: false\n',
      `${FILE}:3:1: approve: the key appears twice in one mapping.`,
    ],
    [
      'approve: true\n',
      'max-stops: 10001\n',
      `${FILE}:2:12: max-stops: expected a whole number from 0 to 10000, got "10001".`,
    ],
  ])('%s → %s', async (from, to, expected) => {
    const text = GOOD.replace(from, to);
    expect(text).not.toBe(GOOD);
    expect(await failure(text)).toContain(`invalid-input ${expected}`);
  });

  it('refuses one project UID under two slugs, no kinds, a missing key, and a top that is no mapping', async () => {
    const twice = `${GOOD}  other: { project: 61E18534-a40d-63f6-c938-668877660042 }\n`;
    expect(await failure(twice)).toContain(`${FILE}:14:21: projects.other.project: project 61E18534`);
    expect(await failure('owner: acme\n')).toContain(`${FILE}:1:1: kinds: missing`);
    expect(await failure('owner: acme\nkinds: []\n')).toContain(
      `${FILE}:2:8: kinds: expected a list of one or more kinds`,
    );
    expect(await failure(GOOD.replace('    data-type: lidar\n', ''))).toContain(
      `${FILE}:7:5: kinds[1].data-type: missing`,
    );
    expect(await failure('- a\n- b\n')).toContain(`${FILE}:1:1: the file: expected a mapping, got a list`);
  });

  it('takes aliases where a value goes, and keys as written: 0042 is a slug, not the number 42', async () => {
    const text = GOOD.replace(
      'template: 770a9600-a40d-63f6-c938-668877660000',
      'template: &image 770a9600-a40d-63f6-c938-668877660000',
    )
      .replace('template: 770a9600-a40d-63f6-c938-668877660002', 'template: *image')
      .replace('  street-2026-w31: { status: paused }', '  0042: &pause { status: paused }\n  "42": *pause');
    const config = await parse(text);
    expect(config.kinds.map((k) => k.template)).toEqual([
      '770a9600-a40d-63f6-c938-668877660000',
      '770a9600-a40d-63f6-c938-668877660000',
    ]);
    expect(config.projects.slice(0, 2)).toEqual([
      { slug: '0042', status: 'paused' },
      { slug: '42', status: 'paused' },
    ]);
  });

  it('refuses more than 100 aliases', async () => {
    const aliases = Array.from({ length: 101 }, (_, i) => `  a${i}: *t`).join('\n');
    expect(await failure(`${GOOD}x: &t paused\ny:\n${aliases}\n`)).toContain(`${FILE}: more than 100 aliases.`);
  });
});

describe('the file in the checkout', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await mkdtemp(join(tmpdir(), 'avala-config-'));
    await mkdir(join(ws, '.github'));
    await writeFile(join(ws, '.github/empty.yml'), '\n  \n');
    await writeFile(join(ws, 'outside.yml'), GOOD);
    await symlink(join(ws, 'outside.yml'), join(ws, '.github/linked.yml'));
    await writeFile(join(ws, '.github/big.yml'), 'x'.repeat(1024 * 1024 + 1));
  });
  afterAll(() => rm(ws, { recursive: true, force: true }));

  it.each([
    ['.github/missing.yml', 'no such file in the checkout'],
    ['.github/empty.yml', 'it is empty'],
    ['.github/linked.yml', 'symbolic links are refused'],
    ['.github/big.yml', 'larger than 1 MB'],
    ['../outside.yml', '.. segments are refused'],
    ['/etc/passwd', 'expected a path inside the checkout'],
  ])('%s is refused: %s', async (file, why) => {
    await expect(readConfigText(ws, file)).rejects.toThrow(
      new RegExp(`^Invalid config "${file.replace(/\./g, '\\.')}": .*${why}`),
    );
  });

  it('reads a file that is there', async () => {
    expect(await readConfigText(ws, 'outside.yml')).toBe(GOOD);
  });
});
