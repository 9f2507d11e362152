import { VERSION } from '../version.js';

/** The writer string recorded in every header. */
export const WRITER = `reprise ${VERSION}`;
