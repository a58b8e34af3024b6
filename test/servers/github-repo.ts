// A local HTTP server playing the GitHub repository endpoints the suite calls outside runners:
// deployments and their statuses (https://docs.github.com/en/rest/deployments), issue comments
// (https://docs.github.com/en/rest/issues/comments) and open pull requests by head
// (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests). Listings are paged with per_page
// (at most 100, default 30) and a `Link: <…>; rel="next"` header as GitHub sends them; statuses list
// newest first. A token check, refusals by method and path, and a record of every request.
import { createServer, type ServerResponse } from 'node:http';
import { closeServer, listenLoopback, readRequest, serveAsync } from './http-frame.js';
import { randomBytes } from 'node:crypto';

export interface FakeDeployment {
  id: number;
  repository: string;
  environment: string;
  ref: string;
  sha: string;
  statuses: { id: number; state: string; description: string; environment_url: string }[];
}

export interface FakeComment {
  id: number;
  repository: string;
  issue: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
}

export interface FakePull {
  number: number;
  repository: string;
  head: { ref: string; repository: string };
  state: 'open' | 'closed';
}

export interface RepoRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

export interface GitHubRepoServer {
  /** For GITHUB_API_URL. */
  url: string;
  token: string;
  /** Who the token writes as. */
  tokenUser: { login: string; type: 'Bot' | 'User' };
  requests: RepoRequest[];
  deployments: FakeDeployment[];
  comments: FakeComment[];
  pulls: FakePull[];
  /** Requests whose `METHOD path` matches answer this status (with GitHub's message). */
  refuse: { status: number; matching: RegExp } | undefined;
  /** A deployment as an Actions job in `environment` leaves it: in_progress, then success with the URL. */
  addDeployment(repository: string, environment: string, url: string, state?: string): FakeDeployment;
  addComment(repository: string, issue: number, body: string, user?: FakeComment['user']): FakeComment;
  addPull(repository: string, number: number, branch: string, headRepository?: string): FakePull;
  /** The newest status of a deployment. */
  stateOf(id: number): string | undefined;
  close(): Promise<void>;
}

const MESSAGES: Record<number, string> = {
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  422: 'Validation Failed',
};

export async function startGitHubRepoServer(): Promise<GitHubRepoServer> {
  let nextId = 1000;
  const requests: RepoRequest[] = [];

  const send = (res: ServerResponse, record: RepoRequest, status: number, body?: unknown, headers = {}) => {
    record.status = status;
    res.writeHead(status, {
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  /** One page of `all` and its Link header, as GitHub pages a listing. */
  const page = <T>(url: URL, all: T[]): { items: T[]; headers: Record<string, string> } => {
    const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30), 1), 100);
    const n = Math.max(Number(url.searchParams.get('page') ?? 1), 1);
    const items = all.slice((n - 1) * perPage, n * perPage);
    if (n * perPage >= all.length) return { items, headers: {} };
    const next = new URL(url);
    next.searchParams.set('page', String(n + 1));
    const last = new URL(url);
    last.searchParams.set('page', String(Math.ceil(all.length / perPage)));
    return {
      items,
      headers: {
        link: `<${server.url}${next.pathname}${next.search}>; rel="next", <${server.url}${last.pathname}${last.search}>; rel="last"`,
      },
    };
  };

  const commentJson = (c: FakeComment) => ({
    id: c.id,
    body: c.body,
    user: c.user,
    html_url: `https://github.example/${c.repository}/pull/${c.issue}#issuecomment-${c.id}`,
  });

  const server: GitHubRepoServer = {
    url: '',
    token: `ghs_${randomBytes(18).toString('hex')}`,
    tokenUser: { login: 'github-actions[bot]', type: 'Bot' },
    requests,
    deployments: [],
    comments: [],
    pulls: [],
    refuse: undefined,
    addDeployment(repository, environment, url, state = 'success') {
      const d: FakeDeployment = {
        id: nextId++,
        repository,
        environment,
        ref: 'main',
        sha: randomBytes(20).toString('hex'),
        statuses: [],
      };
      for (const s of ['in_progress', state])
        d.statuses.push({
          id: nextId++,
          state: s,
          description: '',
          environment_url: s === 'success' ? url : '',
        });
      server.deployments.push(d);
      return d;
    },
    addComment(repository, issue, body, user = { login: 'someone', type: 'User' }) {
      const c: FakeComment = { id: nextId++, repository, issue, body, user };
      server.comments.push(c);
      return c;
    },
    addPull(repository, number, branch, headRepository = repository) {
      const p: FakePull = {
        number,
        repository,
        head: { ref: branch, repository: headRepository },
        state: 'open',
      };
      server.pulls.push(p);
      return p;
    },
    stateOf: (id) => server.deployments.find((d) => d.id === id)?.statuses.at(-1)?.state,
    close: () => closeServer(http),
  };

  const http = createServer(
    serveAsync(async (req, res) => {
      const { url, body } = await readRequest(req);
      const record: RepoRequest = {
        method: req.method ?? '',
        path: url.pathname + url.search,
        body,
        status: 0,
      };
      requests.push(record);
      if (req.headers.authorization !== `Bearer ${server.token}`)
        return send(res, record, 401, { message: 'Bad credentials' });
      if (server.refuse?.matching.test(`${record.method} ${url.pathname}`))
        return send(res, record, server.refuse.status, {
          message: MESSAGES[server.refuse.status] ?? 'refused',
        });
      const m = /^\/repos\/([^/]+\/[^/]+)\/(.+)$/.exec(url.pathname);
      if (!m) return send(res, record, 404, { message: 'Not Found' });
      const repository = decodeURIComponent(m[1]!);
      const rest = m[2]!;
      const method = req.method ?? 'GET';
      let r: RegExpExecArray | null;

      if (method === 'GET' && rest === 'deployments') {
        const environment = url.searchParams.get('environment');
        // Newest first, as GitHub lists them.
        const all = server.deployments
          .filter(
            (d) => d.repository === repository && (environment === null || d.environment === environment),
          )
          .reverse();
        const { items, headers } = page(url, all);
        return send(
          res,
          record,
          200,
          items.map((d) => ({ id: d.id, environment: d.environment, ref: d.ref, sha: d.sha })),
          headers,
        );
      }
      if ((r = /^deployments\/(\d+)\/statuses$/.exec(rest))) {
        const d = server.deployments.find((x) => x.id === Number(r![1]) && x.repository === repository);
        if (!d) return send(res, record, 404, { message: 'Not Found' });
        if (method === 'GET') {
          const { items, headers } = page(url, [...d.statuses].reverse());
          return send(res, record, 200, items, headers);
        }
        if (method === 'POST') {
          const b = (body ?? {}) as { state?: string; description?: string };
          const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
          if (!b.state || !states.includes(b.state))
            return send(res, record, 422, { message: `Validation Failed: state ${b.state}` });
          if ((b.description ?? '').length > 140)
            return send(res, record, 422, { message: 'Validation Failed: description is too long' });
          const s = { id: nextId++, state: b.state, description: b.description ?? '', environment_url: '' };
          d.statuses.push(s);
          return send(res, record, 201, s);
        }
      }
      if ((r = /^issues\/(\d+)\/comments$/.exec(rest))) {
        const issue = Number(r[1]);
        if (method === 'GET') {
          const all = server.comments.filter((c) => c.repository === repository && c.issue === issue);
          const { items, headers } = page(url, all);
          return send(res, record, 200, items.map(commentJson), headers);
        }
        if (method === 'POST') {
          const b = (body ?? {}) as { body?: string };
          if (typeof b.body !== 'string' || !b.body)
            return send(res, record, 422, { message: 'Validation Failed: body' });
          if (b.body.length > 65536)
            return send(res, record, 422, {
              message: 'Validation Failed: body is too long (maximum is 65536 characters)',
            });
          const c = server.addComment(repository, issue, b.body, { ...server.tokenUser });
          return send(res, record, 201, commentJson(c));
        }
      }
      if ((r = /^issues\/comments\/(\d+)$/.exec(rest)) && method === 'PATCH') {
        const c = server.comments.find((x) => x.id === Number(r![1]) && x.repository === repository);
        if (!c) return send(res, record, 404, { message: 'Not Found' });
        const b = (body ?? {}) as { body?: string };
        if (typeof b.body !== 'string' || !b.body)
          return send(res, record, 422, { message: 'Validation Failed: body' });
        c.body = b.body;
        return send(res, record, 200, commentJson(c));
      }
      if (method === 'GET' && rest === 'pulls') {
        const state = url.searchParams.get('state') ?? 'open';
        const head = url.searchParams.get('head');
        const all = server.pulls.filter(
          (p) =>
            p.repository === repository &&
            (state === 'all' || p.state === state) &&
            (!head || `${p.head.repository.split('/')[0]}:${p.head.ref}` === head),
        );
        const { items, headers } = page(url, all);
        return send(
          res,
          record,
          200,
          items.map((p) => ({
            number: p.number,
            state: p.state,
            head: { ref: p.head.ref, repo: { full_name: p.head.repository } },
          })),
          headers,
        );
      }
      return send(res, record, 404, { message: 'Not Found' });
    }),
  );
  server.url = await listenLoopback(http);
  return server;
}
