/**
 * The bus's published contract (docs/CONTRACT.md), run by `node tools/contract.js <command>`:
 *   check     the registry against the released schemas, and docs/asyncapi.yaml against what
 *             the registry generates; fails on a breaking change or a stale document (lint)
 *   release   records the registry's schemas as released; refused while a change is breaking
 *   asyncapi  writes docs/asyncapi.yaml
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { asyncApiDocument, checkContract, Contract, currentContract } from '@msb/contracts';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';

/** The workspace this was compiled from (the folder with nx.json above it). */
function workspace(from: string): string {
  return existsSync(join(from, 'nx.json')) || dirname(from) === from ? from : workspace(dirname(from));
}
const ROOT = workspace(__dirname);
const RELEASED = join(ROOT, 'libs/contracts/released/events.schema.json');
const ASYNCAPI = join(ROOT, 'docs/asyncapi.yaml');

const HEADER =
  'Released event schemas: each type@version as published (JSON Schema of its strict zod schema). Frozen but for new optional ' +
  'properties; written by `npm run contract:release`, checked by `npm run lint` (docs/CONTRACT.md).';

async function formatted(file: string, text: string): Promise<string> {
  return format(text, { ...(await resolveConfig(file)), filepath: file });
}

const releasedText = (contract: Contract) => formatted(RELEASED, JSON.stringify({ $comment: HEADER, ...contract }));

async function asyncApiText(): Promise<string> {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const yaml = stringify(asyncApiDocument(version), { lineWidth: 0, aliasDuplicateObjects: false });
  return formatted(ASYNCAPI, `# Generated from libs/contracts by \`npm run contract:asyncapi\`: do not edit.\n${yaml}`);
}

const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

/** The released contract; nothing released before the first release. */
function readReleased(): Partial<Contract> {
  const text = read(RELEASED);
  if (text === undefined) return {};
  const { $comment: _header, ...released } = JSON.parse(text) as Contract & { $comment?: string };
  return released;
}

async function main(command: string | undefined): Promise<number> {
  const current = currentContract();
  switch (command) {
    case 'check': {
      const report = checkContract(readReleased(), current);
      for (const line of report.breaking) console.error(`contract: BREAKING ${line}`);
      for (const line of report.compatible) console.log(`contract: ${line}, not released yet (npm run contract:release)`);
      for (const key of report.unreleased) console.log(`contract: ${key} unreleased (npm run contract:release releases it)`);
      const stale = read(ASYNCAPI) !== (await asyncApiText());
      if (stale) console.error('contract: docs/asyncapi.yaml differs from what the registry generates (npm run contract:asyncapi)');
      return report.breaking.length > 0 || stale ? 1 : 0;
    }
    case 'release': {
      const report = checkContract(readReleased(), current);
      if (report.breaking.length > 0) {
        for (const line of report.breaking) console.error(`contract: BREAKING ${line}`);
        console.error('contract: nothing released; a released version stays as it is (add a new version with an upcaster instead)');
        return 1;
      }
      writeFileSync(RELEASED, await releasedText(current));
      for (const key of report.unreleased) console.log(`contract: released ${key}`);
      for (const line of report.compatible) console.log(`contract: released ${line}`);
      return 0;
    }
    case 'asyncapi':
      writeFileSync(ASYNCAPI, await asyncApiText());
      console.log('contract: wrote docs/asyncapi.yaml');
      return 0;
    default:
      console.error('usage: node tools/contract.js check | release | asyncapi');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
