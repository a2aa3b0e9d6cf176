// `snapshotter config check`: validate, then print the resolved config with every secret masked, in config form
// (durations and sizes as `2h`, `10m`), so that the output can be fed back in.
import { stringify } from 'yaml';
import { toConfigForm } from '../config/config-form.js';
import { loadConfig, locateConfig } from '../config/load.js';
import { RootConfig, type Config } from '../config/schema.js';
import { maskSecrets } from '../config/secrets.js';
import { targetSpec } from '../targets/registry.js';
import type { GlobalOptions, Io } from '../app.js';
import { EXIT } from '../report.js';

function configForm(config: Config): Config {
  const root = toConfigForm({ ...config, targets: [] }, RootConfig) as Config;
  return { ...root, targets: config.targets.map((t) => toConfigForm(t, targetSpec(t).schema)) as Config['targets'] };
}

export function configCheckCommand(options: GlobalOptions, io: Io): number {
  const { config, redactor, warnings } = loadConfig(locateConfig(options.config, io.env), io.env);
  const masked = maskSecrets(configForm(config), redactor);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  // The YAML form is a config file itself: the file it came from is named in the comment line only.
  const { file, ...yaml } = masked as Config;
  io.stdout.write(options.json ? JSON.stringify(masked, null, 2) + '\n' : `# ${file}: valid\n${stringify(yaml)}`);
  return EXIT.ok;
}
