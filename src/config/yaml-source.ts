// The YAML side of config loading: parse with positions, substitute `${VAR}`, resolve `*_file` secrets, and map
// a key path back to the line and column where it was written.
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Document, type Node } from 'yaml';
import { ConfigError, errorMessage } from '../util/errors.js';
import { acceptsFileFor, type ConfigPath } from './secrets.js';

const VAR_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}|\$\$\{/g;

export class YamlSource {
  private readonly lines = new LineCounter();
  readonly doc: Document;
  /** Values that were read from `*_file` keys: always secrets. */
  readonly fileSecrets: string[] = [];

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: true });
    const problem = this.doc.errors[0];
    if (problem) {
      const pos = problem.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      throw new ConfigError(
        `${where}: not valid YAML: ${problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      );
    }
  }

  /** `file:line:col` of the node at a key path (or of its nearest existing parent). */
  where(path: ConfigPath, unknownKey?: string): string {
    let node: unknown = this.doc.contents;
    for (const key of path) {
      const next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
      if (next === undefined || next === null) break;
      node = next;
    }
    if (unknownKey !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === unknownKey);
      if (pair && isScalar(pair.key)) node = pair.key;
    }
    const offset = (node as Node | undefined)?.range?.[0];
    if (offset === undefined) return this.file;
    const pos = this.lines.linePos(offset);
    return `${this.file}:${pos.line}:${pos.col}`;
  }

  /** Replaces `${VAR}` and `${VAR:-default}` in every string scalar; `$${` stands for a literal `${`. */
  substitute(env: NodeJS.ProcessEnv): void {
    // Every missing variable is reported at once: an operator fixing a cron environment sees the whole list.
    const missing: string[] = [];
    visit(this.doc, {
      Scalar: (_key, node, ancestors) => {
        if (typeof node.value !== 'string' || !node.value.includes('${')) return;
        node.value = node.value.replace(VAR_RE, (whole: string, name?: string, fallback?: string) => {
          if (whole === '$${') return '${';
          const value = env[name!];
          if (value !== undefined && value !== '') return value;
          if (fallback !== undefined) return fallback;
          const keyPath = pathOf([...ancestors, node]);
          const state = value === undefined ? 'is not set' : 'is set but empty';
          missing.push(
            `${this.where(keyPath)}: ${formatPath(keyPath)}: environment variable ${name} ${state} (write \${${name}:-default} for a default)`,
          );
          return whole;
        });
      },
    });
    if (missing.length > 0) throw new ConfigError(missing.join('\n'));
  }

  /** Replaces every `<secret>_file: PATH` with `<secret>: <contents of PATH>` (trailing newlines trimmed). */
  resolveFiles(): void {
    visit(this.doc, {
      Pair: (_key, pair, path) => {
        if (!isScalar(pair.key) || typeof pair.key.value !== 'string') return;
        const key = pair.key.value;
        if (!key.endsWith('_file')) return;
        const base = key.slice(0, -'_file'.length);
        const parentPath = pathOf(path);
        if (!acceptsFileFor(parentPath, base, (section, i) => this.doc.getIn([section, i, 'type']))) return;
        const keyPath = [...parentPath, key];
        const where = this.where(parentPath, key);
        const parent = path.at(-1);
        if (!isMap(parent)) return;
        if (parent.has(base)) throw new ConfigError(`${where}: ${formatPath(keyPath)}: give either ${base} or ${key}, not both`);
        if (!isScalar(pair.value) || typeof pair.value.value !== 'string') {
          throw new ConfigError(`${where}: ${formatPath(keyPath)}: must be a file path`);
        }
        const secretPath = pair.value.value;
        let content: string;
        try {
          content = readFileSync(secretPath, 'utf8').replace(/\s+$/, '');
        } catch (error) {
          throw new ConfigError(`${where}: ${formatPath(keyPath)}: cannot read ${secretPath}: ${errorMessage(error)}`, {
            cause: error,
          });
        }
        if (content === '') throw new ConfigError(`${where}: ${formatPath(keyPath)}: ${secretPath} is empty`);
        this.fileSecrets.push(content);
        const newKey = new Scalar(base);
        newKey.range = pair.key.range;
        const newValue = new Scalar(content);
        newValue.range = pair.value.range;
        pair.key = newKey;
        pair.value = newValue;
      },
    });
  }

  toJS(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      throw new ConfigError(`${this.file}: not valid YAML: ${errorMessage(error)}`, { cause: error });
    }
  }
}

/** The key path of a node from the ancestors `visit` hands over. */
function pathOf(ancestors: readonly unknown[]): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let i = 0; i < ancestors.length; i++) {
    const node = ancestors[i];
    const child = ancestors[i + 1];
    if (isPair(node) && isScalar(node.key)) keys.push(node.key.value as string);
    else if (isSeq(node) && child !== undefined) keys.push(node.items.indexOf(child));
  }
  return keys;
}

/** `targets[1].paths` from `['targets', 1, 'paths']`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out || '(top level)';
}

export function readYamlSource(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the config file: ${errorMessage(error)}`, { cause: error });
  }
  return new YamlSource(file, text);
}
