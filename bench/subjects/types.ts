import type { BenchCase, BuiltState, Mode, SubjectName, Variant } from '../cases/types.js';

/** A way of writing a case's state to a durable file and reading it back to tensors on the backend. */
export interface Subject {
  name: SubjectName;
  /** Column heading. */
  label: string;
  /** Writes `state` to `file` (and, for `fs`, a small manifest beside it), durably. */
  save(c: BenchCase, state: BuiltState, file: string): Promise<void>;
  /** Untimed preparation of a load (reprise strategies: a fresh strategy to load into). */
  prepareLoad(c: BenchCase, variant: Variant, mode: Mode): Promise<unknown>;
  /** Reads `file` back to a usable value: tensors created on the current backend. */
  load(c: BenchCase, file: string, prepared: unknown): Promise<unknown>;
  /** Every file the subject wrote for `file` (for its size). */
  files(file: string): string[];
}
