/**
 * `#trial-build` outside Node (package.json `imports`): verification (`reprise verify`,
 * `inspect`) is a command-line tool, and nothing in a browser or worker verifies, so the
 * model and optimizer codecs get no `check` there and a browser bundle does not carry
 * ./trial-build.ts. Loading checks the same records as it decodes them, everywhere.
 */
export const verifyModelRecord = undefined;
export const buildAndDiscard = undefined;
