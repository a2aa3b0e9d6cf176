// A stateful fake of the Hetzner Cloud endpoints snapshotter uses: servers, snapshot images with labels and
// delete protection, create_image actions that run for a few polls and then succeed (or fail, or never end),
// label selectors, pagination (meta.pagination and a Link header built from the client-facing address).
import { FakeServer, match, type Received, type Reply } from './fake-server.js';

export interface HcImage {
  id: number;
  type: 'snapshot' | 'backup';
  status: 'available' | 'creating' | 'unavailable';
  description: string;
  created: string;
  labels: Record<string, string>;
  protected: boolean;
  server: number;
}

interface HcAction {
  id: number;
  image: number;
  server: number;
  status: 'running' | 'success' | 'error';
  polls: number;
  started: string;
  finished: string | null;
}

const error = (status: number, code: string, message: string): Reply => ({
  status,
  body: { error: { code, message, details: null } },
});

/** Kubernetes-style selector terms joined by commas: `k=v`, `k==v`, `k!=v`, `k`, `!k`. */
function selects(selector: string, labels: Record<string, string>): boolean {
  return selector.split(',').every((term) => {
    const t = term.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^!=]+)!=(.*)$/.exec(t))) return labels[m[1]!] !== m[2];
    if ((m = /^([^!=]+)==?(.*)$/.exec(t))) return labels[m[1]!] === m[2];
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    return t in labels;
  });
}

export class HetznerFake {
  readonly server: FakeServer;
  publicBase = '';
  servers = new Set<number>();
  images: HcImage[] = [];
  actions = new Map<number, HcAction>();
  pollsUntilDone = 2;
  outcome: 'success' | 'error' | 'never' = 'success';
  maxPerPage = 50;
  /** Answer lists as if the label selector were not there (a client must still check labels itself). */
  ignoreSelector = false;
  /** Images whose labels a person removes just before the client reads them one by one. */
  relabelOnGet = new Set<number>();
  private nextId = 5000;

  constructor(token: string) {
    this.server = new FakeServer(
      (req) => this.route(req),
      () => error(401, 'unauthorized', 'unable to authenticate'),
      () => ({
        'RateLimit-Limit': '3600',
        'RateLimit-Remaining': '3599',
        'RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 1),
      }),
      token,
    );
  }

  reset(): void {
    Object.assign(this, { images: [], pollsUntilDone: 2, outcome: 'success', maxPerPage: 50, ignoreSelector: false });
    this.servers = new Set();
    this.actions.clear();
    this.relabelOnGet.clear();
    this.server.clearLog();
  }

  seed(server: number, description: string, created: string, labels: Record<string, string> = {}, protect = false): HcImage {
    const image: HcImage = {
      id: (this.nextId += 1),
      type: 'snapshot',
      status: 'available',
      description,
      created,
      labels,
      protected: protect,
      server,
    };
    this.images.push(image);
    return image;
  }

  descriptions(): string[] {
    return this.images.map((i) => i.description).sort();
  }

  private imageBody(i: HcImage) {
    return {
      id: i.id,
      type: i.type,
      status: i.status,
      name: null,
      description: i.description,
      image_size: i.status === 'available' ? 2.5 : null,
      disk_size: 40,
      created: i.created,
      created_from: { id: i.server, name: `server-${i.server}` },
      bound_to: null,
      os_flavor: 'debian',
      os_version: '12',
      rapid_deploy: false,
      protection: { delete: i.protected },
      deprecated: null,
      deleted: null,
      labels: i.labels,
      architecture: 'x86',
    };
  }

  private actionBody(a: HcAction) {
    return {
      id: a.id,
      command: 'create_image',
      status: a.status,
      progress: a.status === 'success' ? 100 : Math.min(90, a.polls * 30),
      started: a.started,
      finished: a.finished,
      resources: [
        { id: a.server, type: 'server' },
        { id: a.image, type: 'image' },
      ],
      error: a.status === 'error' ? { code: 'action_failed', message: 'Action failed' } : null,
    };
  }

  private list(req: Received): Reply {
    const types = req.query.getAll('type');
    const selector = req.query.get('label_selector');
    const all = this.images
      .filter((i) => types.length === 0 || types.includes(i.type))
      .filter((i) => this.ignoreSelector || !selector || selects(selector, i.labels))
      .sort((a, b) => a.id - b.id);
    const perPage = Math.min(Number(req.query.get('per_page') ?? 25), this.maxPerPage);
    const page = Number(req.query.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number) => {
      const q = new URLSearchParams(req.query);
      q.set('page', String(p));
      return `<${this.publicBase}${req.path}?${q.toString()}>`;
    };
    const links = [
      page > 1 ? `${link(page - 1)}; rel="prev"` : '',
      page < last ? `${link(page + 1)}; rel="next"` : '',
      `${link(last)}; rel="last"`,
    ];
    return {
      status: 200,
      headers: { Link: links.filter(Boolean).join(', ') },
      body: {
        images: all.slice((page - 1) * perPage, page * perPage).map((i) => this.imageBody(i)),
        meta: {
          pagination: {
            page,
            per_page: perPage,
            previous_page: page > 1 ? page - 1 : null,
            next_page: page < last ? page + 1 : null,
            last_page: last,
            total_entries: all.length,
          },
        },
      },
    };
  }

  /** Lets every running action finish, as the provider does on its own while nobody polls. */
  settle(): void {
    for (const a of this.actions.values()) for (let i = 0; i < this.pollsUntilDone; i += 1) this.poll(a);
  }

  private poll(a: HcAction): void {
    a.polls += 1;
    if (a.status !== 'running' || this.outcome === 'never' || a.polls < this.pollsUntilDone) return;
    a.finished = new Date().toISOString();
    const image = this.images.find((i) => i.id === a.image);
    if (this.outcome === 'error') {
      a.status = 'error';
      this.images = this.images.filter((i) => i !== image);
    } else {
      a.status = 'success';
      if (image) image.status = 'available';
    }
  }

  private route(req: Received): Reply {
    let m: string[] | undefined;
    if (req.method === 'POST' && (m = match(req.path, '/v1/servers/:id/actions/create_image'))) {
      const server = Number(m[0]);
      if (!this.servers.has(server)) return error(404, 'not_found', 'server not found');
      const body = req.body as { description?: string; type?: string; labels?: Record<string, string> };
      const image = this.seed(server, body.description ?? 'auto', new Date().toISOString(), body.labels ?? {});
      image.status = 'creating';
      const action: HcAction = {
        id: (this.nextId += 1),
        image: image.id,
        server,
        status: 'running',
        polls: 0,
        started: new Date().toISOString(),
        finished: null,
      };
      this.actions.set(action.id, action);
      return { status: 201, body: { image: this.imageBody(image), action: this.actionBody(action) } };
    }
    if (req.method === 'GET' && (m = match(req.path, '/v1/actions/:id'))) {
      const action = this.actions.get(Number(m[0]));
      if (!action) return error(404, 'not_found', 'action not found');
      this.poll(action);
      return { status: 200, body: { action: this.actionBody(action) } };
    }
    if (req.method === 'GET' && req.path === '/v1/images') return this.list(req);
    if ((m = match(req.path, '/v1/images/:id'))) {
      const image = this.images.find((i) => String(i.id) === m![0]);
      if (!image) return error(404, 'not_found', 'image not found');
      if (req.method === 'GET') {
        if (this.relabelOnGet.has(image.id)) image.labels = { note: 'keep-forever' };
        return { status: 200, body: { image: this.imageBody(image) } };
      }
      if (req.method === 'DELETE') {
        if (image.protected) return error(423, 'protected', 'cannot delete image because it is protected');
        this.images = this.images.filter((i) => i !== image);
        return { status: 204 };
      }
    }
    return error(404, 'not_found', `fake: no route for ${req.method} ${req.path}`);
  }
}
