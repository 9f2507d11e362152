/** Types of `#node-url` (package.json `imports`): Node's own; outside Node the module is ./url.ts. */
export * from 'node:url';
