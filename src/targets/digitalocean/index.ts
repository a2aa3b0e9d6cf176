// Target `digitalocean`: a snapshot of a droplet through DigitalOcean's API; retention over its own snapshots.
import { defineTarget } from '../types.js';
import { digitaloceanSpec } from './schema.js';
import { backupDroplet, listDroplet, planDroplet } from './snapshot.js';

export const digitaloceanTarget = defineTarget({
  ...digitaloceanSpec,
  plan: planDroplet,
  backup: backupDroplet,
  listRemote: listDroplet,
});
