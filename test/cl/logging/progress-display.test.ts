import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearProgressBars, ProgressDisplay, writeAboveProgress, type OutputStream } from '../../../src/cl/logging/progress-display.js';

/** A terminal double: records every write. */
class Terminal implements OutputStream {
  readonly isTTY = true;
  readonly columns = 60;
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

test('writeAboveProgress clears the live bar line, prints the message whole with wrapping on, then redraws the bar', () => {
  const tty = new Terminal();
  const bar = new ProgressDisplay(tty, 'training exp 0, epoch 1', 100, 0);
  for (let i = 0; i < 40; i++) bar.increment();
  const long = `reprise: SIGINT received, stopping after the current experience is evaluated and checkpointed ${'x'.repeat(40)}`;
  const before = tty.text.length;
  writeAboveProgress(tty, long);
  const after = tty.text.slice(before);
  const at = after.indexOf(long);
  assert.ok(at > 0, 'the message is written');
  assert.ok(after.slice(0, at).includes('\r\x1b[2K'), 'the bar line is cleared first');
  assert.ok(after.slice(0, at).includes('\x1b[?7h'), 'line wrapping is on for the message');
  assert.equal(after[at + long.length], '\n', 'the message ends its line');
  const redraw = after.slice(at + long.length + 1);
  assert.match(redraw, /training exp 0, epoch 1/, 'the bar is drawn again below the message');
  assert.ok(redraw.includes('\x1b[?7l'), 'wrapping off again for the bar');
  bar.stop();
});

test('a message on another stream still clears the bar first; stopped bars are left alone; clearProgressBars clears live ones', () => {
  const tty = new Terminal();
  const other = new Terminal();
  const bar = new ProgressDisplay(tty, 'eval exp 3', 10, 0);
  bar.increment();
  const mark = tty.text.length;
  writeAboveProgress(other, 'hello');
  assert.ok(tty.text.slice(mark).startsWith('\r\x1b[2K'), 'the bar stream was cleared');
  assert.equal(other.text, 'hello\n');
  const cleared = tty.text.length;
  clearProgressBars();
  assert.equal(tty.text.slice(cleared), '\r\x1b[2K\x1b[?7h');
  bar.stop();
  const stopped = tty.text.length;
  writeAboveProgress(other, 'after');
  clearProgressBars();
  assert.equal(tty.text.length, stopped, 'a stopped bar is not touched');
});
