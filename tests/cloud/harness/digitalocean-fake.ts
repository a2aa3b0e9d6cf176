// A stateful fake of the DigitalOcean endpoints snapshotter uses: droplets with snapshots, snapshot actions that
// run for a few polls and then complete (or error, or never finish), paginated lists whose absolute links are
// built from the address the client talks to (the recorder in front of Prism), and spec-shaped errors.
import { FakeServer, match, type Received, type Reply } from './fake-server.js';

export interface DoSnapshot {
  id: number;
  name: string;
  created_at: string;
  droplet: number;
  type: 'snapshot' | 'backup';
  size_gigabytes: number;
}

interface DoAction {
  id: number;
  droplet: number;
  name: string;
  status: 'in-progress' | 'completed' | 'errored';
  polls: number;
  started_at: string;
  completed_at: string | null;
}

const error = (status: number, id: string, message: string): Reply => ({
  status,
  body: { id, message, request_id: `req-${id}-1` },
});

export class DigitalOceanFake {
  readonly server: FakeServer;
  /** Where clients reach us (pagination links point there). */
  publicBase = '';
  droplets = new Set<number>();
  snapshots: DoSnapshot[] = [];
  actions = new Map<number, DoAction>();
  /** Polls of GET /v2/actions/{id} before the action finishes. */
  pollsUntilDone = 2;
  outcome: 'completed' | 'errored' | 'never' = 'completed';
  /** The largest page the fake serves (DigitalOcean: 200); small values force pagination. */
  maxPerPage = 200;
  private nextId = 1000;

  constructor(token: string) {
    this.server = new FakeServer(
      (req) => this.route(req),
      () => error(401, 'unauthorized', 'Unable to authenticate you'),
      () => ({
        'ratelimit-limit': '5000',
        'ratelimit-remaining': '4999',
        'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
      }),
      token,
    );
  }

  reset(): void {
    this.droplets = new Set();
    this.snapshots = [];
    this.actions.clear();
    this.pollsUntilDone = 2;
    this.outcome = 'completed';
    this.maxPerPage = 200;
    this.server.clearLog();
  }

  /** A snapshot that exists before the test (made by hand, by another tool, or by an earlier run). */
  seed(droplet: number, name: string, createdAt: string, type: 'snapshot' | 'backup' = 'snapshot'): DoSnapshot {
    const snapshot = { id: (this.nextId += 1), name, created_at: createdAt, droplet, type, size_gigabytes: 1.25 };
    this.snapshots.push(snapshot);
    return snapshot;
  }

  names(droplet: number): string[] {
    return this.snapshots
      .filter((s) => s.droplet === droplet)
      .map((s) => s.name)
      .sort();
  }

  private actionBody(a: DoAction) {
    return {
      action: {
        id: a.id,
        status: a.status,
        type: 'snapshot',
        started_at: a.started_at,
        completed_at: a.completed_at,
        resource_id: a.droplet,
        resource_type: 'droplet',
        region_slug: 'fra1',
      },
    };
  }

  private list(req: Received, droplet: number): Reply {
    const all = this.snapshots.filter((s) => s.droplet === droplet).sort((a, b) => a.id - b.id);
    const perPage = Math.min(Number(req.query.get('per_page') ?? 20), this.maxPerPage);
    const page = Number(req.query.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number) => `${this.publicBase}${req.path}?page=${p}&per_page=${req.query.get('per_page') ?? 20}`;
    const pages: Record<string, string> = {};
    if (page > 1) Object.assign(pages, { first: link(1), prev: link(page - 1) });
    if (page < last) Object.assign(pages, { next: link(page + 1), last: link(last) });
    const snapshots = all.slice((page - 1) * perPage, page * perPage).map((s) => ({
      id: s.id,
      name: s.name,
      created_at: s.created_at,
      regions: ['fra1'],
      min_disk_size: 25,
      size_gigabytes: s.size_gigabytes,
      type: s.type,
    }));
    return {
      status: 200,
      body: { snapshots, links: Object.keys(pages).length > 0 ? { pages } : {}, meta: { total: all.length } },
    };
  }

  /** Lets every running action finish, as the provider does on its own while nobody polls. */
  settle(): void {
    for (const a of this.actions.values()) for (let i = 0; i < this.pollsUntilDone; i += 1) this.poll(a);
  }

  private poll(a: DoAction): void {
    a.polls += 1;
    if (a.status !== 'in-progress' || this.outcome === 'never' || a.polls < this.pollsUntilDone) return;
    a.completed_at = new Date().toISOString();
    if (this.outcome === 'errored') {
      a.status = 'errored';
      return;
    }
    a.status = 'completed';
    this.snapshots.push({
      id: (this.nextId += 1),
      name: a.name,
      created_at: a.completed_at,
      droplet: a.droplet,
      type: 'snapshot',
      size_gigabytes: 2.5,
    });
  }

  private route(req: Received): Reply {
    let m: string[] | undefined;
    if (req.method === 'GET' && (m = match(req.path, '/v2/droplets/:id/snapshots'))) {
      const droplet = Number(m[0]);
      return this.droplets.has(droplet)
        ? this.list(req, droplet)
        : error(404, 'not_found', 'The resource you were accessing could not be found.');
    }
    if (req.method === 'POST' && (m = match(req.path, '/v2/droplets/:id/actions'))) {
      const droplet = Number(m[0]);
      if (!this.droplets.has(droplet)) return error(404, 'not_found', 'The resource you were accessing could not be found.');
      const body = req.body as { type?: string; name?: string };
      if (body?.type !== 'snapshot' || typeof body.name !== 'string')
        return error(422, 'unprocessable_entity', 'fake: expected a named snapshot');
      const action: DoAction = {
        id: (this.nextId += 1),
        droplet,
        name: body.name,
        status: 'in-progress',
        polls: 0,
        started_at: new Date().toISOString(),
        completed_at: null,
      };
      this.actions.set(action.id, action);
      return { status: 201, body: this.actionBody(action) };
    }
    if (req.method === 'GET' && (m = match(req.path, '/v2/actions/:id'))) {
      const action = this.actions.get(Number(m[0]));
      if (!action) return error(404, 'not_found', 'The resource you were accessing could not be found.');
      this.poll(action);
      return { status: 200, body: this.actionBody(action) };
    }
    if (req.method === 'DELETE' && (m = match(req.path, '/v2/snapshots/:id'))) {
      const index = this.snapshots.findIndex((s) => String(s.id) === m![0]);
      if (index < 0) return error(404, 'not_found', 'The resource you were accessing could not be found.');
      this.snapshots.splice(index, 1);
      return { status: 204 };
    }
    return error(404, 'not_found', `fake: no route for ${req.method} ${req.path}`);
  }
}
