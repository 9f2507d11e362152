/** Types of `#node-crypto` (package.json `imports`): Node's own; outside Node the module is ./crypto.ts. */
export * from 'node:crypto';
