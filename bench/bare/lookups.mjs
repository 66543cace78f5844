// The floor for a few dataset directories: one name lookup each, with the built-in fetch.
const headers = { 'X-Avala-Api-Key': process.env['INPUT_API-KEY'] };
const owner = encodeURIComponent(process.env.INPUT_OWNER);
for (const name of process.env.INPUT_NAMES.split('\n')) {
  const url = `${process.env['INPUT_BASE-URL']}/projects/${owner}/?name=${encodeURIComponent(name)}&limit=100`;
  await (await fetch(url, { headers })).json();
}
