/** `#node-url` outside Node: see ./unavailable.ts. */
import { unavailable } from './unavailable.js';

export const fileURLToPath = unavailable('url.fileURLToPath');
export const pathToFileURL = unavailable('url.pathToFileURL');
