import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** The writer string recorded in every header. */
export const WRITER = `reprise ${pkg.version}`;
