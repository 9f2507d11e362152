/**
 * The main job's command line: what defines a run (stored in its checkpoints and
 * checked on resume) and what may change between invocations of one run. Parsing
 * refuses values that cannot work; nothing here imports tfjs, so `--help` and a
 * refused flag answer at once.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

export const PLUGINS = ['replay', 'lwf', 'ewc', 'si', 'gdumb', 'cwr'] as const;
export type PluginName = (typeof PLUGINS)[number];
export const N_EXPERIENCES = 5;

/** What defines a run. Stored in every checkpoint; a resume must not contradict it. */
export interface RunConfig {
  benchmark: 'splitmnist' | 'synthetic';
  /** `task`: task labels and a head per task (the guide); `class`: one head for all classes. */
  scenario: 'task' | 'class';
  strategy: 'naive' | 'cumulative';
  /** `multi`: `asMultitask` (a head per task); `single`: one fixed head; `incremental`: one head that grows with the classes. */
  head: 'multi' | 'single' | 'incremental';
  plugins: PluginName[];
  epochs: number;
  seed: number;
  optimizer: 'sgd' | 'adam';
  lr: number;
  momentum: number;
  batchSize: number;
  evalBatchSize: number;
  hiddenSize: number;
  memSize: number;
  ewcLambda: number;
  ewcMode: 'separate' | 'online';
  ewcDecay: number | null;
  siLambda: number;
  lwfAlpha: number;
  lwfTemperature: number;
}

/** What may differ between the invocations of one run. */
export interface SessionOptions {
  checkpointDir: string;
  logDir: string;
  stopAfter: number | undefined;
  /** Also checkpoint every N training iterations (inside experiences). Default: only after each experience. */
  checkpointEvery: number | undefined;
  /** Keep only this run's newest N checkpoints (both kinds). Default: keep all. */
  keepLast: number | undefined;
  metricsOut: string | undefined;
  quiet: boolean;
}

/** The flag of each run-defining setting, in the order they are reported. */
export const RUN_FLAGS: Record<keyof RunConfig, string> = {
  benchmark: '--benchmark',
  scenario: '--scenario',
  strategy: '--strategy',
  head: '--head',
  plugins: '--plugins',
  epochs: '--epochs',
  seed: '--seed',
  optimizer: '--optimizer',
  lr: '--lr',
  momentum: '--momentum',
  batchSize: '--batch-size',
  evalBatchSize: '--eval-batch-size',
  hiddenSize: '--hidden-size',
  memSize: '--mem-size',
  ewcLambda: '--ewc-lambda',
  ewcMode: '--ewc-mode',
  ewcDecay: '--ewc-decay',
  siLambda: '--si-lambda',
  lwfAlpha: '--lwf-alpha',
  lwfTemperature: '--lwf-temperature',
};

/** Defaults that depend on the benchmark: the small synthetic one needs a small model and smaller penalties. */
const BENCHMARK_DEFAULTS = {
  splitmnist: { batchSize: 128, evalBatchSize: 128, hiddenSize: 512, ewcLambda: 1000, siLambda: 10 },
  synthetic: { batchSize: 32, evalBatchSize: 128, hiddenSize: 32, ewcLambda: 10, siLambda: 1 },
} as const;

/** A command-line mistake: printed as one line, exit code 2. */
export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

function integer(min: number, what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected ${what}`);
    return n;
  };
}

function real(test: (n: number) => boolean, what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || !test(n)) throw new InvalidArgumentError(`expected ${what}`);
    return n;
  };
}

const positiveInt = integer(1, 'a positive integer');
const nonNegativeInt = integer(0, 'a non-negative integer');
const positive = real((n) => n > 0, 'a positive number');
const nonNegative = real((n) => n >= 0, 'a number ≥ 0');

function program(): Command {
  return new Command()
    .name('splitmnist')
    .description(
      "Continual learning with checkpoint and resume, as the original's checkpointing guide: task-incremental SplitMNIST, " +
        'a multi-head SimpleMLP, SGD, replay 500. Run it again to resume; a run is defined by its first command line.',
    )
    .addOption(new Option('--benchmark <name>', 'splitmnist (real MNIST) or synthetic (small Gaussian blobs, for tests)').choices(['splitmnist', 'synthetic']).default('splitmnist'))
    .addOption(new Option('--scenario <name>', 'task: task labels, a head per task (the guide); class: one head for all ten classes').choices(['task', 'class']).default('task'))
    .addOption(new Option('--strategy <name>', 'naive (fine-tuning + plugins) or cumulative (retrain on all data so far: the upper bound)').choices(['naive', 'cumulative']).default('naive'))
    .addOption(new Option('--head <kind>', 'multi (asMultitask), single (fixed, all classes) or incremental (grows with the classes); default multi for task, single for class').choices(['multi', 'single', 'incremental']))
    .addOption(new Option('--plugins <names...>', 'training plugins, any combination; none for plain fine-tuning').choices([...PLUGINS, 'none']).default(['replay']))
    .option('--epochs <n>', 'training epochs per experience', positiveInt, 2)
    .option('--seed <n>', 'seed of every random generator', nonNegativeInt, 1234)
    .addOption(new Option('--optimizer <name>', 'sgd (with --momentum) or adam').choices(['sgd', 'adam']).default('sgd'))
    .option('--lr <x>', 'learning rate', positive, 0.01)
    .option('--momentum <x>', 'SGD momentum, in [0, 1) (default 0.9)', real((n) => n >= 0 && n < 1, 'a number in [0, 1)'))
    .option('--batch-size <n>', 'training mini-batch size (default 128; synthetic 32)', positiveInt)
    .option('--eval-batch-size <n>', 'evaluation mini-batch size (default 128)', positiveInt)
    .option('--hidden-size <n>', 'hidden units of the SimpleMLP (default 512; synthetic 32)', positiveInt)
    .option('--mem-size <n>', 'replay / GDumb memory size', positiveInt, 500)
    .option('--ewc-lambda <x>', 'EWC penalty weight (default 1000; synthetic 10)', nonNegative)
    .addOption(new Option('--ewc-mode <mode>', 'EWC: a penalty per past experience, or one online penalty (needs --ewc-decay)').choices(['separate', 'online']).default('separate'))
    .option('--ewc-decay <x>', 'online EWC: decay of the old importances, in [0, 1]', real((n) => n >= 0 && n <= 1, 'a number in [0, 1]'))
    .option('--si-lambda <x>', 'Synaptic Intelligence penalty weight (default 10; synthetic 1)', nonNegative)
    .option('--lwf-alpha <x>', 'LwF distillation weight', nonNegative, 1)
    .option('--lwf-temperature <x>', 'LwF softmax temperature', positive, 2)
    .option('--checkpoint-dir <dir>', 'where checkpoints go: a folder, or s3://bucket/prefix (one run per place)', './checkpoints')
    .option('--log-dir <dir>', 'text, CSV and TensorBoard logs', './logs/checkpointing_example')
    .option('--stop-after <n>', `exit 0 once experience n (0 … ${N_EXPERIENCES - 1}) is checkpointed`, integer(0, 'a non-negative integer'))
    .option('--checkpoint-every <n>', 'also checkpoint every n training iterations, so a kill loses at most n iterations (default: only after each experience)', positiveInt)
    .option('--keep-last <n>', "keep only this run's newest n checkpoints (default: all; useful with --checkpoint-every)", positiveInt)
    .option('--metrics-out <dir>', 'write metrics_exp<N>.json (sorted keys) after each experience')
    .option('--quiet', 'no progress report on stdout (logs are still written)')
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

export interface ParsedCommandLine {
  config: RunConfig;
  session: SessionOptions;
  /** Run-defining flags given on the command line (the others took their defaults). */
  explicit: Set<keyof RunConfig>;
}

/**
 * Parses `argv` (without node and the script). Exits 0 after `--help`; throws
 * {@link CommandLineError} for a value that cannot work (commander's own refusals exit 2 after
 * printing their one line).
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const cmd = program();
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? 0 : 2);
    }
    throw err;
  }
  if (cmd.args.length > 0) throw new CommandLineError(`unexpected argument ${cmd.args.map((a) => `'${a}'`).join(' ')}: every setting is a flag (see --help)`);
  const o = cmd.opts();
  const given = (name: string) => cmd.getOptionValueSource(name) === 'cli';
  const benchmark = o.benchmark as RunConfig['benchmark'];
  const defaults = BENCHMARK_DEFAULTS[benchmark];
  const scenario = o.scenario as RunConfig['scenario'];
  const plugins = o.plugins as Array<PluginName | 'none'>;
  if (plugins.includes('none') && plugins.length > 1) {
    throw new CommandLineError(`--plugins none means no plugin; it cannot be combined with ${plugins.filter((p) => p !== 'none').join(' ')}`);
  }
  const duplicate = plugins.find((p, i) => plugins.indexOf(p) !== i);
  if (duplicate) throw new CommandLineError(`--plugins lists ${duplicate} twice; give each plugin once`);
  const optimizer = o.optimizer as RunConfig['optimizer'];
  if (optimizer === 'adam' && given('momentum')) throw new CommandLineError('--momentum applies to --optimizer sgd only, not adam; drop it or use --optimizer sgd');
  const ewcMode = o.ewcMode as RunConfig['ewcMode'];
  if (ewcMode === 'online' && o.ewcDecay === undefined) throw new CommandLineError('--ewc-mode online needs --ewc-decay (e.g. --ewc-decay 0.9)');
  if (ewcMode !== 'online' && o.ewcDecay !== undefined) throw new CommandLineError('--ewc-decay applies to --ewc-mode online only; add --ewc-mode online or drop it');
  const head = (o.head ?? (scenario === 'task' ? 'multi' : 'single')) as RunConfig['head'];
  const chosen = plugins.filter((p): p is PluginName => p !== 'none');
  if (chosen.includes('cwr') && head !== 'single') throw new CommandLineError(`--plugins cwr consolidates one fixed classifier; it needs --head single (this run has --head ${head})`);
  if (o.stopAfter !== undefined && o.stopAfter >= N_EXPERIENCES) {
    throw new CommandLineError(`--stop-after ${o.stopAfter} would never stop: the experiences are 0 … ${N_EXPERIENCES - 1}`);
  }
  const config: RunConfig = {
    benchmark,
    scenario,
    strategy: o.strategy,
    head,
    plugins: chosen,
    epochs: o.epochs,
    seed: o.seed,
    optimizer,
    lr: o.lr,
    momentum: optimizer === 'sgd' ? (o.momentum ?? 0.9) : 0,
    batchSize: o.batchSize ?? defaults.batchSize,
    evalBatchSize: o.evalBatchSize ?? defaults.evalBatchSize,
    hiddenSize: o.hiddenSize ?? defaults.hiddenSize,
    memSize: o.memSize,
    ewcLambda: o.ewcLambda ?? defaults.ewcLambda,
    ewcMode,
    ewcDecay: o.ewcDecay ?? null,
    siLambda: o.siLambda ?? defaults.siLambda,
    lwfAlpha: o.lwfAlpha,
    lwfTemperature: o.lwfTemperature,
  };
  const keyOfOption: Record<string, keyof RunConfig> = { batchSize: 'batchSize', evalBatchSize: 'evalBatchSize', hiddenSize: 'hiddenSize' };
  const explicit = new Set<keyof RunConfig>();
  for (const key of Object.keys(RUN_FLAGS) as Array<keyof RunConfig>) if (given(keyOfOption[key] ?? key)) explicit.add(key);
  const session: SessionOptions = {
    checkpointDir: o.checkpointDir,
    logDir: o.logDir,
    stopAfter: o.stopAfter,
    checkpointEvery: o.checkpointEvery,
    keepLast: o.keepLast,
    metricsOut: o.metricsOut,
    quiet: o.quiet === true,
  };
  return { config, session, explicit };
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(' ');
  if (value === null || value === undefined) return 'unset';
  return String(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The settings in which the command line contradicts the stored run, as one line (empty
 * when none): each flag with the command line's value and the run's, then the ways out.
 */
export function describeConflicts(stored: Partial<RunConfig>, current: RunConfig, explicit: ReadonlySet<keyof RunConfig>, checkpointDir: string): string {
  const conflicts = (Object.keys(RUN_FLAGS) as Array<keyof RunConfig>)
    .filter((key) => !same(stored[key], current[key]))
    .map((key) => `${RUN_FLAGS[key]} is ${show(current[key])}${explicit.has(key) ? '' : ' (the default)'} but the run in ${checkpointDir} was started with ${show(stored[key])}`);
  if (conflicts.length === 0) return '';
  return `${conflicts.join('; ')}. To resume it, give the run's values (or leave those flags out when they are its defaults); to start a new run, use another --checkpoint-dir or delete ${checkpointDir}`;
}

/** The run's settings as a short human line. */
export function describeRun(c: RunConfig): string {
  const scenario = c.scenario === 'task' ? 'task-incremental' : 'class-incremental';
  const optimizer = c.optimizer === 'sgd' ? `SGD lr ${c.lr} momentum ${c.momentum}` : `Adam lr ${c.lr}`;
  const plugins = c.plugins.length === 0 ? 'no plugin' : c.plugins.map((p) => (p === 'replay' || p === 'gdumb' ? `${p} ${c.memSize}` : p)).join(' + ');
  return `${scenario} ${c.benchmark}, ${c.head} head, ${c.strategy} + ${plugins}, ${optimizer}, ${c.epochs} epoch(s), batch ${c.batchSize}`;
}
