// The one place that maps a target `type` to its module. Adding a target: its folder plus one line here.
import type { TargetBase } from '../config/common.js';
import { digitaloceanTarget } from './digitalocean/index.js';
import { filesystemTarget } from './filesystem/index.js';
import { prometheusTarget } from './prometheus/index.js';
import { postgresTarget } from './postgres/index.js';
import { hetznerTarget } from './hetzner/index.js';
import type { TargetModule } from './types.js';

export const targetModules = {
  filesystem: filesystemTarget,
  prometheus: prometheusTarget,
  postgres: postgresTarget,
  digitalocean: digitaloceanTarget,
  hetzner: hetznerTarget,
} as const;

export type TargetType = keyof typeof targetModules;
export type TargetConfig = {
  [K in TargetType]: (typeof targetModules)[K] extends TargetModule<infer C> ? C : never;
}[TargetType];

/** The module for a validated target config. */
export function targetModule(config: TargetConfig): TargetModule<TargetBase> {
  return targetModules[config.type];
}
