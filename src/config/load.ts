/** The config file as what it says: loaded only with config, so that other runs never load the YAML parser. */
import { type ConfigFile, readConfig } from './schema.ts';
import { parseConfigText, readConfigText } from './yaml.ts';

export async function loadConfig(workspace: string | undefined, file: string): Promise<ConfigFile> {
  return readConfig(parseConfigText(file, await readConfigText(workspace, file)));
}
