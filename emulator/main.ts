/** `npm run emulator`: the emulator on its own, for trying the action by hand. */
import { parseArgs } from 'node:util';
import { ACCOUNTS, DATASET, TEMPLATES } from './seed.ts';
import { startEmulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'rate-limit': { type: 'string', default: '100' },
  },
});
const emulator = await startEmulator({
  port: Number(values.port),
  rateLimit: { limit: Number(values['rate-limit']), windowMs: 60_000 },
});

console.log(`Avala emulator listening on ${emulator.url}

Keys (X-Avala-Api-Key), by owner:
${ACCOUNTS.map((a) => `  ${a.username.padEnd(14)} ${a.key}  ${a.plan}, ${a.role}, scopes: ${a.scopes.join(' ') || 'none'}`).join('\n')}

acme's templates: image ${TEMPLATES.image}, video ${TEMPLATES.video},
  point cloud ${TEMPLATES.pointCloud}, point-cloud objects ${TEMPLATES.pointCloudObjects}
A dataset UID: ${DATASET}

Try the action against it (input names keep their hyphens, so set them through env):
  env 'INPUT_BASE-URL=${emulator.url}' 'INPUT_API-KEY=${ACCOUNTS[0]?.key}' \\
    INPUT_ACTION=list INPUT_OWNER=acme INPUT_LIMIT=3 node_modules/.bin/node src/index.ts

Control: GET ${emulator.origin}/__emulator/requests, POST ${emulator.origin}/__emulator/faults, POST ${emulator.origin}/__emulator/reset
Ctrl-C to stop.`);

const stop = () => void emulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
