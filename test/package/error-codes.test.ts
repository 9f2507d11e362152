import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ReplayPlugin, RNGManager } from '../../src/cl/index.js';
import { CheckpointError, CheckpointFormatError, deserialize, ERROR_CODES, serialize, UsageError } from '../../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CODE = /^[A-Z][A-Z0-9_]{2,}$/;

/** The codes of docs/ERRORS.md's code table: rows that start with a back-quoted code. */
function documentedCodes(): string[] {
  const text = fs.readFileSync(path.join(root, 'docs/ERRORS.md'), 'utf8');
  return [...text.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]!);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Every code literal in the first argument of `new …Error(` or `super(` in src/
 * (a ternary of two codes included), with where it was found.
 */
function thrownCodes(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:new\s+\w*Error|super)\(\s*/g)) {
      const rest = text.slice(m.index + m[0].length);
      const firstArg = rest.slice(0, firstTopLevelComma(rest));
      for (const lit of firstArg.matchAll(/'([^'\\]*)'/g)) {
        if (CODE.test(lit[1]!) && !found.has(lit[1]!)) {
          found.set(lit[1]!, `${path.relative(root, file)}:${text.slice(0, m.index).split('\n').length}`);
        }
      }
    }
  }
  return found;
}

/** Index of the first comma (or closing parenthesis) outside quotes and brackets. */
function firstTopLevelComma(s: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (c === ',' && depth === 0) return i;
  }
  return s.length;
}

describe('error codes are a closed, documented set', () => {
  it('docs/ERRORS.md lists each code of ERROR_CODES once, and nothing else', () => {
    const documented = documentedCodes();
    const duplicates = documented.filter((c, i) => documented.indexOf(c) !== i);
    assert.deepEqual(duplicates, [], `codes listed twice in docs/ERRORS.md: ${duplicates.join(', ')}`);
    const missing = ERROR_CODES.filter((c) => !documented.includes(c));
    assert.deepEqual(missing, [], `codes of ERROR_CODES (src/errors.ts) missing from docs/ERRORS.md: ${missing.join(', ')}`);
    const extra = documented.filter((c) => !(ERROR_CODES as readonly string[]).includes(c));
    assert.deepEqual(extra, [], `codes in docs/ERRORS.md that ERROR_CODES does not have: ${extra.join(', ')}`);
  });

  it('every code thrown in src/ is in the table', () => {
    const documented = new Set(documentedCodes());
    const thrown = thrownCodes();
    assert.ok(thrown.size > 40, `the scan found only ${thrown.size} codes; is it still reading src/?`);
    const missing = [...thrown].filter(([code]) => !documented.has(code)).map(([code, where]) => `${code} (${where})`);
    assert.deepEqual(missing, [], `codes thrown in src/ but missing from docs/ERRORS.md and ERROR_CODES: ${missing.join(', ')}`);
  });

  it('every code in the table is still used somewhere in src/', () => {
    const texts = sourceFiles(path.join(root, 'src'))
      .filter((f) => !f.endsWith(`${path.sep}errors.ts`))
      .map((f) => fs.readFileSync(f, 'utf8'));
    const errorsTs = fs.readFileSync(path.join(root, 'src/errors.ts'), 'utf8');
    const superCodes = [...errorsTs.matchAll(/super\(\s*'([A-Z0-9_]+)'/g)].map((m) => m[1]);
    const unused = ERROR_CODES.filter((c) => !superCodes.includes(c) && !texts.some((t) => t.includes(`'${c}'`)));
    assert.deepEqual(unused, [], `codes listed but never thrown; remove them from ERROR_CODES and docs/ERRORS.md: ${unused.join(', ')}`);
  });

  it('misuse of the training API is a UsageError; a broken file is a CheckpointFormatError', () => {
    const misuse = [
      () => new ReplayPlugin({ memSize: 10, storagePolicy: 'nope' as never }),
      () => RNGManager.setRandomSeeds(Number.NaN),
    ];
    for (const call of misuse) {
      assert.throws(call, (e: unknown) => e instanceof UsageError && e.code === 'BAD_CONFIG' && !(e instanceof CheckpointFormatError));
    }
    assert.throws(
      () => new ReplayPlugin({ memSize: 10, storagePolicy: 'nope' as never }),
      (e: CheckpointError) => e.path === '.storagePolicy',
    );
    const bytes = serialize({ a: 1 });
    bytes[3]! ^= 0xff;
    assert.throws(() => deserialize(bytes), (e: unknown) => e instanceof CheckpointFormatError && !(e instanceof UsageError));
  });
});
