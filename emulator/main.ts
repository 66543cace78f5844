/** `npm run emulator`: the emulator on its own, for trying the action by hand. */
import { parseArgs } from 'node:util';
import { PortInUse, startOnPort } from './port.ts';
import { ACCOUNTS, DATASET, TEMPLATES } from './seed.ts';
import type { Emulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'rate-limit': { type: 'string', default: '100' },
  },
});
const port = Number(values.port);

async function start(): Promise<Emulator | undefined> {
  try {
    return await startOnPort(
      { port, rateLimit: { limit: Number(values['rate-limit']), windowMs: 60_000 } },
      (running) =>
        running
          ? `Port ${port} is in use by an Avala emulator already running (npm run emulator or npm run local-action): use that one, or stop it, or start another with npm run emulator -- --port ${port + 1}.`
          : `Port ${port} is in use by another program: stop it, or start the emulator on another port with npm run emulator -- --port ${port + 1}.`,
    );
  } catch (error) {
    if (!(error instanceof PortInUse)) throw error;
    console.error(error.message);
    process.exitCode = 1;
    return undefined;
  }
}

const emulator = await start();
if (emulator) {
  console.log(`Avala emulator listening on ${emulator.url}

Keys (X-Avala-Api-Key), by owner:
${ACCOUNTS.map((a) => `  ${a.username.padEnd(14)} ${a.key}  ${a.plan}, ${a.role}, scopes: ${a.scopes.join(' ') || 'none'}`).join('\n')}

acme's templates: image ${TEMPLATES.image}, video ${TEMPLATES.video},
  point cloud ${TEMPLATES.pointCloud}, point-cloud objects ${TEMPLATES.pointCloudObjects}
A dataset UID: ${DATASET}

Try the action against it (input names keep their hyphens, so set them through env):
  env 'INPUT_BASE-URL=${emulator.url}' 'INPUT_API-KEY=${ACCOUNTS[0]?.key}' \\
    INPUT_ACTION=list INPUT_OWNER=acme INPUT_LIMIT=3 node_modules/.bin/node src/index.ts

npm run local-action runs the action from src/ as one workflow step against this emulator
  when INPUT_BASE-URL in .env (else .env.example) points at it.

Uploads: under the API, POST /datasets/manual-upload/file-upload-url/ per file (its target: ${emulator.origin}/__storage/…), then POST /datasets/manual-upload/

Control: GET ${emulator.origin}/__emulator/requests (and /storage-requests), POST /__emulator/uploads {quotaBytes, readiness}, POST ${emulator.origin}/__emulator/faults, POST ${emulator.origin}/__emulator/reset
Ctrl-C to stop.`);

  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
