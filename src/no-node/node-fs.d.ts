/** Types of `#node-fs` (package.json `imports`): Node's own; outside Node the module is ./fs.ts. */
export * from 'node:fs';
