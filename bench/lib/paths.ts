import * as path from 'node:path';
import type { SubjectName } from '../cases/types.js';

/** The file a subject writes for a case variant, in the work folder. */
export function subjectFile(dir: string, caseName: string, variantId: string, subject: SubjectName): string {
  return path.join(dir, `${caseName}-${variantId}-${subject}.bin`);
}
