import type { SubjectName } from '../cases/types.js';
import { jsonSubject } from './json.js';
import { rawFsSubject } from './raw-fs.js';
import { repriseSubject } from './reprise.js';
import { tfjsSubject } from './tfjs-weights.js';
import type { Subject } from './types.js';
import { v8Subject } from './v8.js';

export type { Subject } from './types.js';

/** Every subject, in the order of the table's columns. */
export const SUBJECTS: Readonly<Record<SubjectName, Subject>> = {
  reprise: repriseSubject,
  fs: rawFsSubject,
  v8: v8Subject,
  json: jsonSubject,
  tfjs: tfjsSubject,
};
export const SUBJECT_ORDER: readonly SubjectName[] = ['reprise', 'fs', 'v8', 'json', 'tfjs'];
