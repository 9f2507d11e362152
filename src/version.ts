/** reprise's version, compiled in (no package.json read at run time); test/version.test.ts keeps it equal to package.json's. */
export const VERSION = '0.1.0';
