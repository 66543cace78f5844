import { run } from './main.ts';
import { githubRunner } from './runner/github.ts';

await run(githubRunner(), { signals: process });
