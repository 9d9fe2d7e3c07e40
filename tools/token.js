#!/usr/bin/env node
/**
 * A bearer token from the local issuer (made by `npm run infra:up`), on one line of stdout:
 *
 *   npm run -s token -- --role ROLE [--hospital ID] [--regions R1,R2] [--ttl SECONDS]
 *                       [--audience SERVICE,…] [--subject NAME]
 *
 * ROLE: hospital, basic-officer, insurer-officer, civil-affairs-officer, auditor, operator, monitor
 * (several: --role a,b). The audience defaults to the services the role acts on.
 */
'use strict';
const { mintToken, ROLES } = require('../deploy/local/issuer');

const USAGE = `usage: npm run -s token -- --role ROLE [--hospital ID] [--regions R1,R2] [--ttl SECONDS] [--audience S1,S2] [--subject NAME]
roles: ${ROLES.join(', ')}`;

function parse(argv) {
  const options = {};
  const list = (v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') return { help: true };
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === '--role') options.roles = list(value);
    else if (flag === '--hospital') options.hospital = value;
    else if (flag === '--regions') options.regions = list(value);
    else if (flag === '--audience') options.audience = list(value);
    else if (flag === '--subject') options.subject = value;
    else if (flag === '--ttl') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error('--ttl must be a whole number of seconds');
      options.ttl = Number(value);
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!options.roles || options.roles.length === 0) throw new Error('--role is required');
  return options;
}

let options;
try {
  options = parse(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${e.message}\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
mintToken(options)
  .then((token) => process.stdout.write(`${token}\n`))
  .catch((e) => {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  });
