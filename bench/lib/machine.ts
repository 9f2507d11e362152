import * as fs from 'node:fs';
import * as os from 'node:os';

/** What the numbers were measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  /** The file system the benchmark files were written to, from /proc/mounts. */
  fileSystem: string;
}

export function machineInfo(dir: string): MachineInfo {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) cpu = match[1]!.trim();
  } catch {
    /* not Linux: keep os.cpus() */
  }
  return {
    cpu,
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    fileSystem: fileSystemOf(dir),
  };
}

function fileSystemOf(dir: string): string {
  try {
    const mounts = fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 2 && (dir === f[1] || dir.startsWith(f[1] === '/' ? '/' : `${f[1]}/`)))
      .sort((a, b) => b[1]!.length - a[1]!.length);
    const m = mounts[0];
    return m ? `${m[2]} (${m[0]} on ${m[1]})` : 'unknown';
  } catch {
    return 'unknown';
  }
}
