import type * as CliProgress from 'cli-progress';
import { createRequire } from 'node:module';

/** A stream the interactive logger writes to: `process.stdout`, `process.stderr` or a test double. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** `true` on a terminal: a live bar is drawn; otherwise plain lines. */
  isTTY?: boolean;
  columns?: number;
}

/** A `cli-progress` bar, as {@link loadBar} builds it. */
interface UnrefBar {
  start(total: number, start: number): void;
  update(value: number): void;
  stop(): void;
  render(): void;
}
type UnrefBarClass = new (options: CliProgress.Options, preset: CliProgress.Preset) => UnrefBar;
let barClass: { bar: UnrefBarClass; preset: CliProgress.Preset } | null | undefined;

/**
 * `cli-progress` is an optional peer dependency: loaded on the first bar, and when it
 * is not installed there is no live bar, only the plain summary lines.
 * The bar's redraw timer never keeps the process alive: a run that stops between
 * `start` and `stop` (an exception caught by the caller) still exits.
 * (`cli-progress` reschedules its timer on every render and keeps it referenced.)
 */
function loadBar(): typeof barClass {
  if (barClass !== undefined) return barClass;
  let cliProgress: typeof CliProgress;
  try {
    cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  } catch {
    return (barClass = null);
  }
  class Bar extends cliProgress.SingleBar {
    override render(): void {
      super.render();
      (this as unknown as { timer?: { unref?: () => void } | null }).timer?.unref?.();
    }
  }
  return (barClass = { bar: Bar, preset: cliProgress.Presets.shades_classic });
}

/** The live (terminal) displays of this process: messages are written above them. */
const liveDisplays = new Set<ProgressDisplay>();

/**
 * Writes `line` (a newline is added) so that it prints whole above any live progress
 * bar: each bar's line is cleared first and redrawn after the line. Use it for every
 * message a script prints while training runs (signal notices, per-experience reports).
 */
export function writeAboveProgress(stream: OutputStream, line: string): void {
  for (const display of liveDisplays) display.clearLine();
  stream.write(`${line}\n`);
  for (const display of liveDisplays) display.redraw();
}

/**
 * Clears the line of every live progress bar and stops redrawing them (the bars
 * continue on their next update). Call it before printing an error and exiting.
 */
export function clearProgressBars(): void {
  for (const display of liveDisplays) display.clearLine();
}

/**
 * Progress through one epoch or one eval experience. On a terminal it is a live
 * `cli-progress` bar redrawn in place (when that package is installed); elsewhere (a file, a pipe, CI) nothing is drawn
 * while it runs and {@link stop} writes one plain line, so a log holds no control codes.
 */
export class ProgressDisplay {
  private readonly bar: UnrefBar | undefined;
  private value: number;
  private readonly startedAt = Date.now();
  private stopped = false;

  /**
   * @param label what is progressing, e.g. `training exp 2, epoch 1`.
   * @param total iterations expected; `undefined` when unknown (no bar, a counter only).
   * @param start iterations already done (a resumed run starts where it is).
   */
  constructor(
    private readonly stream: OutputStream,
    private readonly label: string,
    private readonly total: number | undefined,
    start: number,
  ) {
    this.value = start;
    const cliProgress = stream.isTTY === true ? loadBar() : null;
    if (!cliProgress) return;
    const format =
      total === undefined
        ? `${escapeFormat(label)} | {value} it | {duration_formatted}`
        : `${escapeFormat(label)} |{bar}| {value}/{total} it | {duration_formatted} < {eta_formatted}`;
    this.bar = new cliProgress.bar(
      { stream: stream as NodeJS.WritableStream, format, hideCursor: false, gracefulExit: false, barsize: 30 },
      cliProgress.preset,
    );
    this.bar.start(total ?? 0, start);
    liveDisplays.add(this);
  }

  /**
   * Erases the bar's line on the terminal (the cursor goes to its start) and turns line
   * wrapping back on (the bar turns it off while it runs), so a long message wraps
   * instead of being cut at the terminal's edge.
   */
  clearLine(): void {
    if (this.bar && !this.stopped) this.stream.write('\r\x1b[2K\x1b[?7h');
  }

  /** Draws the bar again, on the cursor's line, with line wrapping off as the bar wants it. */
  redraw(): void {
    if (!this.bar || this.stopped) return;
    this.stream.write('\x1b[?7l');
    (this.bar as unknown as { lastDrawnString: string }).lastDrawnString = '';
    this.bar.render();
  }

  /** One more iteration done. */
  increment(): void {
    if (this.stopped) return;
    this.value++;
    this.bar?.update(this.value);
  }

  /** Ends the display: the bar's last state stays on screen; off a terminal, a summary line is written. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    liveDisplays.delete(this);
    if (this.bar) {
      this.bar.stop();
      return;
    }
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(2);
    const count = this.total === undefined ? `${this.value}` : `${this.value}/${this.total}`;
    this.stream.write(`[progress] ${this.label}: ${count} iterations in ${seconds} s\n`);
  }
}

/** Keeps `{…}` in a label from being read as a `cli-progress` placeholder. */
function escapeFormat(label: string): string {
  return label.replace(/[{}]/g, '');
}
