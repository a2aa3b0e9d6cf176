// Target `hetzner`: a snapshot image of a Hetzner Cloud server; retention over the images labelled as its own.
import { defineTarget } from '../types.js';
import { hetznerSpec } from './schema.js';
import { backupServer, listServer, planServer } from './snapshot.js';

export const hetznerTarget = defineTarget({
  ...hetznerSpec,
  plan: planServer,
  backup: backupServer,
  listRemote: listServer,
});
