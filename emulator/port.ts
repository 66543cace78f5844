/**
 * The emulator on a fixed port, as `npm run emulator` and `npm run local-action`
 * start it: a port already taken is one line of advice, never a stack trace.
 */
import { type Emulator, type EmulatorOptions, startEmulator } from './server.ts';

/** The port is taken; the message is the one line a script prints before it exits 1. */
export class PortInUse extends Error {
  override readonly name = 'PortInUse';
}

/** Whether an Avala emulator answers at this origin: only it has the control route that lists requests. */
export async function emulatorAt(origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/__emulator/requests`, { signal: AbortSignal.timeout(2000) });
    return response.ok && Array.isArray(await response.json());
  } catch {
    return false;
  }
}

/**
 * Starts the emulator on `options.port`; if that port is taken, fails with a
 * PortInUse whose message is `advice(true)` when an emulator holds it, else `advice(false)`.
 */
export async function startOnPort(
  options: EmulatorOptions & { port: number },
  advice: (emulatorRunning: boolean) => string,
): Promise<Emulator> {
  try {
    return await startEmulator(options);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')) throw error;
    const host = options.host?.includes(':') ? `[${options.host}]` : (options.host ?? '127.0.0.1');
    throw new PortInUse(advice(await emulatorAt(`http://${host}:${options.port}`)));
  }
}
