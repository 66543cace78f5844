/** The upload's pure parts and its reading of the checkout: targets allowed, pointers, sizes, forms. */
import { mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { guessType, multipartForm } from '../../src/api/form.ts';
import { targetProblem } from '../../src/api/storage.ts';
import { parseTarget } from '../../src/api/uploads.ts';
import { scanText } from '../../src/procedures/upload-text.ts';
import { formatBytes } from '../../src/procedures/words.ts';
import { Progress } from '../../src/upload/progress.ts';
import { pointerSize, scanDirectory } from '../../src/upload/scan.ts';

const BASE = new URL('https://api.avala.ai/api/v1');
const pointer = (size?: number) =>
  `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\n${size === undefined ? '' : `size ${size}\n`}`;

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'avala-upload-unit-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('a presigned target', () => {
  it.each([
    ['https://avala-uploads.s3.us-east-1.amazonaws.com/', undefined],
    ['https://bucket.storage.googleapis.com/x', undefined],
    ['https://acct.blob.core.windows.net/c/x?sig=1', undefined],
    ['https://api.avala.ai:8443/__storage/t', undefined],
    ['http://127.0.0.1:9/__storage/t', 'its host 127.0.0.1 is not an allowed storage host'],
    ['http://bucket.s3.amazonaws.com/', 'it is http, not https'],
    ['https://evil.example/upload', 'its host evil.example is not an allowed storage host'],
    ['https://s3.amazonaws.com.evil.example/', 'its host s3.amazonaws.com.evil.example is not an allowed storage host'],
    ['https://amazonaws.com/', 'its host amazonaws.com is not an allowed storage host'],
    ['https://user:pw@bucket.s3.amazonaws.com/', 'it carries credentials'],
    ['ftp://bucket.s3.amazonaws.com/', 'it is ftp, not https'],
    ['not a url', 'it is not a URL'],
  ])('%s: %s', (url, problem) => {
    const said = targetProblem(url, BASE);
    if (problem === undefined) expect(said).toBeUndefined();
    else expect(said).toContain(problem);
  });

  it('on loopback may be http, on base-url’s host name at any port', () => {
    const local = new URL('http://127.0.0.1:4010/api/v1');
    expect(targetProblem('http://127.0.0.1:5555/__storage/t', local)).toBeUndefined();
    expect(targetProblem('http://localhost:5555/__storage/t', local)).toContain('not an allowed storage host');
  });

  it('is refused when a field could add a header or a part to the form', () => {
    expect(parseTarget({ url: 'https://b.s3.amazonaws.com/', fields: { key: 'a', policy: 'p' } }).fields).toEqual([
      ['key', 'a'],
      ['policy', 'p'],
    ]);
    expect(() => parseTarget({ url: 'https://x/', fields: { key: 'a\r\nX-Evil: 1' } })).toThrow('not one line');
    expect(() => parseTarget({ url: 'https://x/', fields: { key: 1 } })).toThrow('not one line');
    expect(() => parseTarget({ url: 'https://x/' })).toThrow('no upload fields');
    expect(() => parseTarget({ fields: {} })).toThrow('no upload url');
  });
});

describe('a directory read for an upload', () => {
  it('holds every regular file, recursively, in code point order; hidden entries and links are counted, not taken', async () => {
    const dir = join(root, 'street');
    await mkdir(join(dir, 'left', '.cache'), { recursive: true });
    await mkdir(join(dir, '.git'), { recursive: true });
    await writeFile(join(dir, 'b.jpg'), 'bb');
    await writeFile(join(dir, 'B.jpg'), 'B');
    await writeFile(join(dir, 'left', '0001.jpg'), '1234');
    await writeFile(join(dir, 'left', '.cache', 'x'), 'x');
    await writeFile(join(dir, '.DS_Store'), 'x');
    await writeFile(join(dir, 'big.bin'), pointer(3_000_000_000));
    await writeFile(join(dir, 'no-size.bin'), pointer());
    await symlink(join(dir, 'b.jpg'), join(dir, 'link.jpg'));
    const scan = scanDirectory(dir, 'datasets/street');
    expect(scan.problem).toBeUndefined();
    expect(scan.files.map((f) => [f.path, f.size, f.pointer?.size])).toEqual([
      ['B.jpg', 1, undefined],
      ['b.jpg', 2, undefined],
      ['big.bin', pointer(3_000_000_000).length, 3_000_000_000],
      ['left/0001.jpg', 4, undefined],
      // A pointer without its size line counts as the plain file it is.
      ['no-size.bin', pointer().length, undefined],
    ]);
    expect(scan.skipped).toBe(4);
    expect(scan.pointers).toBe(2);
    expect(scan.bytes).toBe(1 + 2 + 3_000_000_000 + 4 + pointer().length);
    expect(scanText(scan)).toBe('5 files, 3.0 GB; 4 skipped: hidden or symbolic links; 2 Git LFS files, fetched first');
  });

  it('fails with nothing to upload, a file over 5 GB, or a name that is not UTF-8, naming it', async () => {
    const empty = join(root, 'empty');
    await mkdir(join(empty, 'sub'), { recursive: true });
    await writeFile(join(empty, '.keep'), '');
    expect(scanDirectory(empty, 'datasets/empty').problem).toBe(
      'datasets/empty holds no file to upload (1 hidden or not regular, skipped)',
    );
    const huge = join(root, 'huge');
    await mkdir(huge);
    await writeFile(join(huge, 'a.bin'), '');
    await truncate(join(huge, 'a.bin'), 5 * 1024 ** 3 + 1);
    expect(scanDirectory(huge, 'datasets/huge').problem).toBe(
      'datasets/huge/a.bin is over 5 GB, the most one presigned upload takes',
    );
    const latin = join(root, 'latin');
    await mkdir(latin);
    await writeFile(Buffer.concat([Buffer.from(`${latin}/caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]), 'x');
    expect(scanDirectory(latin, 'datasets/latin').problem).toMatch(
      /^datasets\/latin: caf.\.jpg has a name that is not valid UTF-8/,
    );
  });

  it('reads a Git LFS pointer by its first line and size, and nothing else as one', () => {
    expect(pointerSize(pointer(42))).toEqual({ size: 42 });
    expect(pointerSize(pointer())).toEqual({ size: undefined });
    expect(pointerSize(pointer(7).replace(/\n/g, '\r\n'))).toEqual({ size: 7 });
    expect(pointerSize(`# notes\n${pointer(42)}`)).toBeUndefined();
    expect(pointerSize('version https://git-lfs.github.com/spec/v2\nsize 1\n')).toBeUndefined();
  });
});

describe('the form posted to a target', () => {
  const read = async (body: AsyncIterable<Uint8Array>) => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    return Buffer.concat(chunks);
  };

  it('is the fields in order, then the file, exactly as long as it says', async () => {
    const file = join(root, 'form.jpg');
    await writeFile(file, 'JPEG');
    let moved = 0;
    const form = multipartForm(
      [
        ['key', 'k/form.jpg'],
        ['Content-Type', 'image/jpeg'],
      ],
      { abs: file, name: 'a"b\r\n.jpg', size: 4 },
      (n) => {
        moved += n;
      },
    );
    const body = await read(form.body);
    expect(body.length).toBe(form.length);
    expect(moved).toBe(4);
    const text = body.toString();
    const boundary = form.contentType.split('boundary=')[1];
    expect(text.indexOf('name="key"')).toBeLessThan(text.indexOf('name="Content-Type"'));
    expect(text).toContain('name="file"; filename="a%22b%0D%0A.jpg"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n');
    expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it('fails when the file grew or shrank after its size was declared', async () => {
    const file = join(root, 'changing.bin');
    await writeFile(file, 'abcdef');
    const grew = multipartForm([], { abs: file, name: 'changing.bin', size: 3 }, () => undefined);
    await expect(read(grew.body)).rejects.toThrow('it grew while it was read');
    const shrank = multipartForm([], { abs: file, name: 'changing.bin', size: 9 }, () => undefined);
    await expect(read(shrank.body)).rejects.toThrow('it shrank while it was read');
    expect(await readFile(file, 'utf8')).toBe('abcdef');
  });

  it('names the type the target signed, else one guessed from the extension, else octet-stream', () => {
    expect(guessType('a.JPG')).toBe('image/jpeg');
    expect(guessType('frames/000.pcd')).toBe('application/octet-stream');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(2_100_000_000)).toBe('2.1 GB');
  });
});

describe("an upload's log", () => {
  it('says when it starts, what has moved at most every 10 s, and nothing per file', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    try {
      const lines: string[] = [];
      const progress = new Progress('datasets/street', 200, 200_000_000, (line) => lines.push(line));
      progress.start('8 at a time');
      progress.filesDone = 50;
      progress.bytesSent = 50_000_000;
      vi.advanceTimersByTime(9_999);
      expect(lines).toEqual(['Uploading datasets/street: 200 files, 200.0 MB, 8 at a time.']);
      vi.advanceTimersByTime(1);
      progress.sending.add('left/0051.jpg');
      vi.advanceTimersByTime(10_000);
      expect(lines.slice(1)).toEqual([
        'datasets/street: 50 of 200 files and 50.0 MB of 200.0 MB sent, 5.0 MB/s.',
        'datasets/street: 50 of 200 files and 50.0 MB of 200.0 MB sent, 2.5 MB/s.',
      ]);
      expect(progress.describe()).toBe(
        'the upload of datasets/street (50 of 200 files and 50.0 MB of 200.0 MB sent, 2.5 MB/s; sending left/0051.jpg)',
      );
      expect(progress.stop().seconds).toBe(20);
      vi.advanceTimersByTime(60_000);
      expect(lines).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
