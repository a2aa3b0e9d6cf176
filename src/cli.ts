// Commander wiring only. Every error type maps to its exit code here; bin/snapshotter.js sets process.exitCode
// from main(), which tests also call in-process with their own Io.
// Commands are imported when they run, so `--version`, `--help` and usage errors start fast.
import { Command, CommanderError, Option } from 'commander';
import type { GlobalOptions, Io } from './app.js';
import type { ListOptions } from './commands/list.js';
import type { NotifyOptions } from './commands/notify.js';
import type { PruneCommandOptions } from './commands/prune.js';
import type { RestoreOptions } from './commands/restore.js';
import type { RunOptions } from './commands/run.js';
import type { StatusOptions } from './commands/status.js';
import type { VerifyOptions } from './commands/verify.js';
import { LOG_LEVELS } from './logging/levels.js';
import { EXIT } from './report.js';
import { ConfigError, errorMessage, LockHeldError, UsageError } from './util/errors.js';
import { TOOL_VERSION } from './version.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function withCommon(command: Command): Command {
  return command
    .option(
      '-c, --config <file>',
      'config file (default: $SNAPSHOTTER_CONFIG, ./snapshotter.yaml, /etc/snapshotter/snapshotter.yaml)',
    )
    .addOption(new Option('--log-level <level>', 'log level on the terminal and in the log file').choices(LOG_LEVELS))
    .option('--json', 'machine-readable output on stdout');
}

export function buildProgram(setExit: (code: number) => void, io: Io): Command {
  const program = new Command('snapshotter')
    .description('Back up PostgreSQL, Prometheus, files and cloud servers from one YAML file.')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });

  withCommon(program.command('run'))
    .description('back up every target (or the named ones), verify, prune, notify, write metrics')
    .option('--dry-run', 'show the plan; write, delete and send nothing')
    .option('--target <name>', 'only this target (repeatable)', collect)
    .action(async (options: RunOptions) => setExit(await (await import('./commands/run.js')).runCommand(options, io)));

  withCommon(program.command('verify'))
    .description('check archives: checksum, full decompression, structure, manifest')
    .argument('[paths...]', 'archive files')
    .option('--all', "every archive of the config's targets")
    .option('--target <name>', 'with --all: only this target (repeatable)', collect)
    .option('--identity <file>', 'age identity file: decrypt encrypted archives and check their content too')
    .option('--remote <name>', "check the backups on this remote (this host's targets; object agreement)")
    .option('--download', 'with --remote: stream each archive through the deep checks (nothing is written to disk)')
    .action(async (paths: string[], options: VerifyOptions) =>
      setExit(await (await import('./commands/verify.js')).verifyCommand(paths, options, io)),
    );

  withCommon(program.command('list'))
    .description('the backups that exist (local archives and cloud snapshots), newest first, with age, size, state')
    .option('--target <name>', 'only this target (repeatable)', collect)
    .option('--remote <name>', "the backups on this remote (this host's targets)")
    .action(async (options: ListOptions) => setExit(await (await import('./commands/list.js')).listCommand(options, io)));

  withCommon(program.command('prune'))
    .description('apply retention without backing up')
    .option('--dry-run', 'show what would be deleted and what is kept by which rule; delete nothing')
    .option('--target <name>', 'only this target (repeatable)', collect)
    .option('--remote <name>', "apply each target's remote retention on this remote instead")
    .action(async (options: PruneCommandOptions) =>
      setExit(await (await import('./commands/prune.js')).pruneCommand(options, io)),
    );

  withCommon(program.command('status'))
    .description('per target: newest complete backup, its age and size; exit 1 when any is older than its max age or missing')
    .option('--max-age <duration>', "maximum age of each target's newest backup (default: the target's max_age)")
    .option('--remote <name>', 'the newest backups on this remote')
    .option('--all-hosts', 'with --remote: every host found under the remote prefix (a fleet view)')
    .action(async (options: StatusOptions) => setExit(await (await import('./commands/status.js')).statusCommand(options, io)));

  withCommon(program.command('restore'))
    .description('verify an archive, then extract it into a folder (--to DIR) or feed it back into its target (--target NAME)')
    .argument('[archive]', 'the archive file (or --latest --target NAME)')
    .option('--to <dir>', 'extract into this folder (new or empty; see --force)')
    .option(
      '--target <name>',
      "with --latest: the target whose newest backup to restore; without --to: restore into this target's source",
    )
    .option('--latest', "the target's newest complete backup (needs -c and --target)")
    .option('--remote <name>', 'download the archive from this remote first (ARCHIVE is its name)')
    .option('--force', 'restore into a folder that is not empty (existing files are replaced)')
    .option('--path <path>', 'only entries under this path, as stored relative to / (repeatable)', collect)
    .option('--dry-run', 'verify, then list what would be restored; write nothing')
    .option('--yes', 'with --target: do not ask before overwriting the target (required when stdin is not a terminal)')
    .option('--max-size <size>', 'stop when the archive inflates past this size (default: free space in DIR)')
    .option('--max-ratio <n>', 'stop when the decompression ratio passes n:1 after 64 MiB (default 200; 0 turns it off)')
    .option('--identity <file>', 'age identity file for an encrypted archive (default: $SNAPSHOTTER_AGE_IDENTITY_FILE)')
    .option('--database <name>', 'with --target: the one database to restore from an archive that holds several')
    .option('--jobs <n>', 'with --database: parallel restore jobs (local client only)')
    .option('--host <host>', "with --target: restore into this server instead of the target's own")
    .option('--port <port>', 'with --target: the port of the server to restore into')
    .option('--user <user>', 'with --target: the role to restore as')
    .action(async (archive: string | undefined, options: RestoreOptions) =>
      setExit(await (await import('./commands/restore.js')).restoreCommand(archive, options, io)),
    );

  const config = program.command('config').description('work with the config file');
  withCommon(config.command('check'))
    .description('validate the config and print it resolved, secrets masked')
    .action(async (options: GlobalOptions) =>
      setExit((await import('./commands/config-check.js')).configCheckCommand(options, io)),
    );

  withCommon(program.command('notify'))
    .description('send a test message through every configured notifier and report each delivery')
    .option('--test', 'send the test message (required)')
    .action(async (options: NotifyOptions) => setExit(await (await import('./commands/notify.js')).notifyCommand(options, io)));

  return program;
}

/** Exit code for an error that escaped a command. */
function exitCodeForError(error: unknown): number {
  if (error instanceof CommanderError) {
    return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ConfigError) return EXIT.config;
  if (error instanceof LockHeldError) return EXIT.locked;
  return EXIT.failure;
}

export async function main(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  }, io);
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    const exit = exitCodeForError(error);
    if (!(error instanceof CommanderError)) {
      const kind = error instanceof ConfigError ? 'config error' : error instanceof UsageError ? 'usage' : 'error';
      io.stderr.write(`snapshotter: ${kind}: ${errorMessage(error)}\n`);
    }
    return exit;
  }
}

/** A reader that went away (`snapshotter verify --all | head -1`) is not an error: later output is dropped quietly
 * and the command finishes its work (a backup is never cut short because nobody reads its summary). */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
