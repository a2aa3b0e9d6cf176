// The target contract for hetzner targets (tests/conformance/contract.ts, cloud.ts).
import { HetznerFake } from '../cloud/harness/hetzner-fake.js';
import { CLOUD_OPT_OUT, CLOUD_TOKEN, cloudSource } from './cloud.js';
import { conformance } from './contract.js';

conformance({
  type: 'hetzner',
  optOut: CLOUD_OPT_OUT,
  start: () =>
    cloudSource(
      () => new HetznerFake(CLOUD_TOKEN),
      (fake, hangs) => {
        fake.servers.add(77);
        if (hangs) fake.outcome = 'never';
      },
      (url, id) => `api_url: ${url}/v1, server_id: ${id}`,
      77,
    ),
});
