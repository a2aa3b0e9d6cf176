// The target contract for digitalocean targets (tests/conformance/contract.ts, cloud.ts).
import { DigitalOceanFake } from '../cloud/harness/digitalocean-fake.js';
import { CLOUD_OPT_OUT, CLOUD_TOKEN, cloudSource } from './cloud.js';
import { conformance } from './contract.js';

conformance({
  type: 'digitalocean',
  optOut: CLOUD_OPT_OUT,
  start: () =>
    cloudSource(
      () => new DigitalOceanFake(CLOUD_TOKEN),
      (fake, hangs) => {
        fake.droplets.add(42);
        if (hangs) fake.outcome = 'never';
      },
      (url, id) => `api_url: ${url}, droplet_id: ${id}`,
      42,
    ),
});
