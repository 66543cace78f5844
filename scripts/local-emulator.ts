/** Where `npm run local-action` finds its emulator: one already running at base-url, or one it starts there. */
import { emulatorAt, startOnPort } from '../emulator/port.ts';
import type { Emulator } from '../emulator/server.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface LocalEmulator {
  /** Started for this run, to close after it; none when one was running already or base-url is elsewhere. */
  started?: Emulator;
  /** The line the script prints before the run: which emulator, and where the inputs come from. */
  note: string;
}

/**
 * The emulator for a run whose inputs set `baseUrl`. One already answering there
 * (`npm run emulator`) is used as it is, since that is what someone who started
 * it wants; a port taken by another program fails with PortInUse.
 */
export async function localEmulator(baseUrl: string | undefined, envFile: string): Promise<LocalEmulator> {
  const url = URL.parse(baseUrl ?? '');
  if (url?.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) {
    return { note: `Inputs from ${envFile}; its INPUT_BASE-URL is not on this machine, so no emulator is started.` };
  }
  if (await emulatorAt(url.origin)) {
    return { note: `Using the Avala emulator already running on ${url.origin}; inputs from ${envFile}.` };
  }
  const port = Number(url.port || 80);
  const host = url.hostname === '[::1]' ? '::1' : '127.0.0.1';
  const where = envFile === '.env' ? '.env' : 'a .env copied from .env.example';
  const started = await startOnPort(
    { port, host },
    () =>
      `Port ${port} is in use by a program that is not the Avala emulator: stop it, or set another port in INPUT_BASE-URL in ${where}.`,
  );
  return { started, note: `Avala emulator on ${started.url}; inputs from ${envFile}.` };
}
