/**
 * Drive golden scenarios through the running services and compare with `expected`.
 *   node -r ./tools/register-paths.js dist/tools/run-scenario.js [file.json…]   (default: all)
 * Every run uses fresh ids and its own region codes.
 */
import { systemClients, waitUntilCaughtUp, applyStep, IdMap, loadScenario, mapStep, observe, randomTag, scenarioFiles } from '@msb/testing';

async function main() {
  const files = process.argv.slice(2).length ? process.argv.slice(2) : scenarioFiles();
  const clients = systemClients();
  const all = [clients.basic, clients.criticalIllness, clients.assistance];
  let failures = 0;
  for (const file of files) {
    const scenario = loadScenario(file);
    const ids = new IdMap(randomTag());
    const started = Date.now();
    for (const step of scenario.steps) await applyStep(clients, mapStep(step, ids));
    await waitUntilCaughtUp(all);
    const observed = await observe(clients, scenario, ids);
    const diffs: string[] = [];
    for (const [kind, expected] of Object.entries(scenario.expected) as [
      keyof typeof observed,
      Record<string, Record<string, unknown>>,
    ][]) {
      for (const [id, fields] of Object.entries(expected)) {
        for (const [field, value] of Object.entries(fields)) {
          const got = observed[kind][id]?.[field];
          if (got !== value) diffs.push(`${kind} ${id}.${field}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
        }
      }
    }
    failures += diffs.length ? 1 : 0;
    process.stdout.write(
      `${diffs.length ? 'FAIL' : 'ok  '} ${file} (${Date.now() - started} ms, tag ${ids.tag})\n${diffs
        .slice(0, 20)
        .map((d) => `     ${d}\n`)
        .join('')}`,
    );
  }
  process.exit(failures ? 1 : 0);
}

void main();
