// Resolve the workspace's @msb/* aliases to the compiled libraries in dist/ (or MSB_COMPILED_DIR) at run time.
const path = require('node:path');
const { register } = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.base.json');

const paths = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  paths[alias] = [target.replace(/\.ts$/, '.js')];
}
register({ baseUrl: process.env.MSB_COMPILED_DIR || path.join(__dirname, '..', 'dist'), paths, addMatchAll: false });
