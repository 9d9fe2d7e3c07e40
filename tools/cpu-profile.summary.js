#!/usr/bin/env node
/**
 * Where a process's time went, from a V8 .cpuprofile (node --cpu-prof): self time by package
 * (or our own file) and the top functions, as shares of the sampled time. Figures only.
 *
 *   node tools/cpu-profile.summary.js <file.cpuprofile> [top=25] [function name: who calls it, by stack]
 */
const { readFileSync } = require('node:fs');

const [file, topArg, callersOf] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node tools/cpu-profile.summary.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
process.stdout.on('error', () => process.exit(0)); // piped into head
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** A package name for node_modules paths, our file for the rest, the category for V8's own nodes. */
function owner(frame) {
  const url = frame.url || '';
  if (!url) return `(${frame.functionName || 'native'})`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const m = /\/(dist\/)?(apps|libs)\/(.*)$/.exec(url);
  return m ? `${m[2]}/${m[3]}` : url;
}

const byOwner = new Map();
const byFunction = new Map();
for (const [id, t] of self) {
  const frame = byId.get(id).callFrame;
  const o = owner(frame);
  byOwner.set(o, (byOwner.get(o) ?? 0) + t);
  const f = `${frame.functionName || '(anonymous)'} ${o}:${frame.lineNumber + 1}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const print = (title, map) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(t)}  ${k}\n`);
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
print('self time by owner', byOwner);
print('self time by function', byFunction);

if (callersOf) {
  // the JS stacks (innermost 6 frames of our code or packages) under which the named function spent its self time
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map();
  for (const [id, t] of self) {
    if (byId.get(id).callFrame.functionName !== callersOf) continue;
    const chain = [];
    for (let p = parent.get(id); p !== undefined && chain.length < 4; p = parent.get(p)) {
      const f = byId.get(p).callFrame;
      if (f.url && !f.url.startsWith('node:')) chain.push(`${f.functionName || '(anonymous)'} ${owner(f)}:${f.lineNumber + 1}`);
    }
    const k = chain.join(' < ');
    stacks.set(k, (stacks.get(k) ?? 0) + t);
  }
  print(`callers of ${callersOf}`, stacks);
}
