// `snapshotter config check`: validate, then print the resolved config with every secret masked.
import { stringify } from 'yaml';
import { loadConfig, locateConfig } from '../config/load.js';
import { maskSecrets } from '../config/secrets.js';
import type { GlobalOptions, Io } from '../app.js';
import { EXIT } from '../report.js';

export function configCheckCommand(options: GlobalOptions, io: Io): number {
  const { config, redactor, warnings } = loadConfig(locateConfig(options.config, io.env), io.env);
  const masked = maskSecrets(config, redactor);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  io.stdout.write(options.json ? JSON.stringify(masked, null, 2) + '\n' : `# ${config.file}: valid\n${stringify(masked)}`);
  return EXIT.ok;
}
