// A local HTTP server playing GitHub's self-hosted runner endpoints for repositories and organisations
// (https://docs.github.com/en/rest/actions/self-hosted-runners): JIT configs, the paged runner list and
// removal — with a token check, injectable refusals (401/403/422…), a record of every request, and
// `markOnline` to play the instance that boots and connects its runner.
import { createServer, type ServerResponse } from 'node:http';
import { closeServer, listenLoopback, readRequest, serveAsync } from './http-frame.js';
import { randomBytes } from 'node:crypto';

export interface FakeRunner {
  id: number;
  name: string;
  os: string;
  status: 'online' | 'offline';
  busy: boolean;
  labels: { id: number; name: string; type: 'read-only' | 'custom' }[];
  runner_group_id: number;
  /** repos/<owner>/<repo> or orgs/<org>. */
  scope: string;
}

export interface RunnerRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
  status: number;
}

export interface GitHubRunnersServer {
  /** For GITHUB_API_URL. */
  url: string;
  token: string;
  requests: RunnerRequest[];
  runners: Map<number, FakeRunner>;
  /** Every encoded_jit_config handed out, by runner name. */
  jitConfigs: Map<string, string>;
  /** Every request answers this status (with GitHub's message) until set back to undefined. */
  refuse: number | undefined;
  /** Only requests whose `METHOD path` matches are refused (default: all). */
  refuseMatching: RegExp | undefined;
  /** Called on each runner list request (a test brings a runner online after a few polls). */
  onList: ((server: GitHubRunnersServer) => void) | undefined;
  runner(name: string): FakeRunner | undefined;
  markOnline(name: string, busy?: boolean): void;
  /** Add a runner as if registered earlier (leftovers, other tools' runners). */
  addRunner(name: string, status?: 'online' | 'offline', scope?: string, busy?: boolean): FakeRunner;
  close(): Promise<void>;
}

const MESSAGES: Record<number, string> = {
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  422: 'Validation Failed',
};

export async function startGitHubRunnersServer(
  options: { token?: string } = {},
): Promise<GitHubRunnersServer> {
  const runners = new Map<number, FakeRunner>();
  const jitConfigs = new Map<string, string>();
  const requests: RunnerRequest[] = [];
  let nextId = 100;

  const send = (res: ServerResponse, record: RunnerRequest, status: number, body?: unknown) => {
    record.status = status;
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const server: GitHubRunnersServer = {
    url: '',
    token: options.token ?? `ghs_${randomBytes(18).toString('hex')}`,
    requests,
    runners,
    jitConfigs,
    refuse: undefined,
    refuseMatching: undefined,
    onList: undefined,
    runner: (name) => [...runners.values()].find((r) => r.name === name),
    markOnline(name, busy = false) {
      const r = server.runner(name);
      if (!r) throw new Error(`no runner ${name}`);
      r.status = 'online';
      r.busy = busy;
    },
    addRunner(name, status = 'offline', scope = 'repos/example-org/moodle-build', busy = false) {
      const r: FakeRunner = {
        id: nextId++,
        name,
        os: 'Linux',
        status,
        busy,
        labels: [{ id: 1, name: 'self-hosted', type: 'read-only' }],
        runner_group_id: 1,
        scope,
      };
      runners.set(r.id, r);
      return r;
    },
    close: () => closeServer(http),
  };

  const http = createServer(
    serveAsync(async (req, res) => {
      const { url, body } = await readRequest(req);
      const record: RunnerRequest = {
        method: req.method ?? '',
        path: url.pathname + url.search,
        authorization: req.headers.authorization,
        body,
        status: 0,
      };
      requests.push(record);
      if (req.headers.authorization !== `Bearer ${server.token}`)
        return send(res, record, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        });
      if (
        server.refuse &&
        (!server.refuseMatching || server.refuseMatching.test(`${record.method} ${url.pathname}`))
      )
        return send(res, record, server.refuse, {
          message: MESSAGES[server.refuse] ?? 'refused',
          documentation_url: 'https://docs.github.com/rest/actions/self-hosted-runners',
        });
      const m = /^\/(repos\/[^/]+\/[^/]+|orgs\/[^/]+)\/actions\/runners(?:\/(generate-jitconfig|\d+))?$/.exec(
        url.pathname,
      );
      if (!m) return send(res, record, 404, { message: 'Not Found' });
      const scope = m[1]!;
      const sub = m[2];
      if (req.method === 'GET' && sub === undefined) {
        server.onList?.(server);
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = [...runners.values()].filter((r) => r.scope === scope);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        return send(res, record, 200, {
          total_count: all.length,
          runners: slice.map(({ scope: _scope, runner_group_id: _group, ...r }) => r),
        });
      }
      if (req.method === 'POST' && sub === 'generate-jitconfig') {
        const b = (body ?? {}) as {
          name?: string;
          runner_group_id?: number;
          labels?: string[];
          work_folder?: string;
        };
        if (!b.name || typeof b.runner_group_id !== 'number' || !Array.isArray(b.labels) || !b.labels.length)
          return send(res, record, 422, {
            message: 'Invalid request.\n\n"name", "runner_group_id" and "labels" are required.',
          });
        if (b.labels.some((l) => typeof l !== 'string' || l.length > 100))
          return send(res, record, 422, { message: 'Validation Failed: labels' });
        if (b.runner_group_id !== 1 && scope.startsWith('repos/'))
          return send(res, record, 422, { message: `No runner group with id ${b.runner_group_id}` });
        if ([...runners.values()].some((r) => r.scope === scope && r.name === b.name))
          return send(res, record, 409, {
            message: 'Already exists - A runner with the name already exists.',
          });
        const runner: FakeRunner = {
          id: nextId++,
          name: b.name,
          os: 'unknown',
          status: 'offline',
          busy: false,
          labels: [
            { id: 1, name: 'self-hosted', type: 'read-only' },
            ...b.labels.map((name, i) => ({ id: 10 + i, name, type: 'custom' as const })),
          ],
          runner_group_id: b.runner_group_id,
          scope,
        };
        runners.set(runner.id, runner);
        // Real JIT configs are base64 of a JSON document with the runner's RSA key: a few KB.
        const encoded = Buffer.from(
          JSON.stringify({
            '.runner': b.name,
            '.credentials_rsaparams': randomBytes(1400).toString('base64'),
          }),
        ).toString('base64');
        jitConfigs.set(b.name, encoded);
        const { scope: _scope, runner_group_id: _group, ...shown } = runner;
        return send(res, record, 201, {
          runner: { ...shown, runner_group_id: b.runner_group_id },
          encoded_jit_config: encoded,
        });
      }
      if (req.method === 'DELETE' && sub && /^\d+$/.test(sub)) {
        const runner = runners.get(Number(sub));
        if (!runner || runner.scope !== scope) return send(res, record, 404, { message: 'Not Found' });
        if (runner.busy)
          return send(res, record, 422, {
            message: `Bad request - Runner "${runner.name}" is still running a job"`,
          });
        runners.delete(runner.id);
        return send(res, record, 204);
      }
      return send(res, record, 404, { message: 'Not Found' });
    }),
  );
  server.url = await listenLoopback(http);
  return server;
}
