/** Types of `#node-path` (package.json `imports`): Node's own; outside Node the module is ./path.ts. */
declare const path: typeof import('node:path');
export = path;
