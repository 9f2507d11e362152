import * as fs from 'node:fs';

/**
 * Peak resident memory of one phase of this process. Linux keeps the high-water mark
 * of resident memory (`VmHWM` in /proc/self/status); writing `5` to
 * /proc/self/clear_refs resets it to the current resident size, so the peak of a
 * phase is exact, not sampled. Where that reset is refused, the meter falls back to
 * sampling `process.memoryUsage.rss()` every millisecond, which misses peaks inside
 * synchronous code — `method` says which one was used.
 */
export class PeakMeter {
  readonly method: 'vmhwm' | 'sampled-rss';
  private before = 0;
  private sampledPeak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.method = canResetHighWaterMark() ? 'vmhwm' : 'sampled-rss';
  }

  /** Collects garbage (when exposed), then starts a phase: remembers the resident size now. */
  start(): void {
    collectGarbage();
    if (this.method === 'vmhwm') {
      fs.writeFileSync('/proc/self/clear_refs', '5');
      this.before = residentBytes();
    } else {
      this.before = process.memoryUsage.rss();
      this.sampledPeak = this.before;
      this.timer = setInterval(() => {
        this.sampledPeak = Math.max(this.sampledPeak, process.memoryUsage.rss());
      }, 1);
    }
  }

  /** Ends the phase: resident bytes before it, its peak, and the peak above what was resident before. */
  stop(): { before: number; peak: number; extra: number } {
    let peak: number;
    if (this.method === 'vmhwm') {
      peak = statusField('VmHWM');
    } else {
      clearInterval(this.timer);
      peak = Math.max(this.sampledPeak, process.memoryUsage.rss());
    }
    return { before: this.before, peak, extra: Math.max(0, peak - this.before) };
  }
}

/** Resident bytes now (`VmRSS`). */
export function residentBytes(): number {
  return statusField('VmRSS');
}

/** Runs a full garbage collection when node was started with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

function statusField(name: string): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`/proc/self/status has no ${name}`);
  return Number(match[1]) * 1024;
}

function canResetHighWaterMark(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    statusField('VmHWM');
    return true;
  } catch {
    return false;
  }
}
