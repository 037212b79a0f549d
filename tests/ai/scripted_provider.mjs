// A scripted model provider for tests: speaks OpenAI Chat Completions (SSE, /v1) and Ollama's
// native API (NDJSON, /api) on 127.0.0.1, replaying the real captures of ai-wire-formats.md
// byte for byte and, for notebook scenarios, answering from the conversation it is sent. The
// model name picks the scenario. Every request body is kept for the test (GET /_requests).
//
//   node scripted_provider.mjs [--port N] [--tls CERT KEY]   → prints "listening <port>"

import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const capture = (name) => fs.readFileSync(path.join(here, 'captures', name));
const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const requests = [];
let seed = 12345;  // a 32-bit LCG (Math.imul keeps it exact): the same slices on every run
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);

// Writes `bytes` in random slices of 1–50 bytes, each flushed on its own (events split anywhere).
async function writeSliced(res, bytes, pauseMs = 0) {
  for (let at = 0; at < bytes.length;) {
    const n = Math.min(1 + Math.floor(random() * 50), bytes.length - at);
    res.write(bytes.subarray(at, at + n));
    at += n;
    if (pauseMs) await sleep(pauseMs); else await new Promise((r) => setImmediate(r));
  }
}

// ---- Replies as plans: text pieces, tool calls, finish reason; encoded per wire below. ----

// This turn only: what came after the user's question (earlier AI cells bring their own tools).
const thisTurn = (messages) => messages.slice(messages.findLastIndex((m) => m.role === 'user') + 1);
const lastTool = (messages) => [...thisTurn(messages)].reverse().find((m) => m.role === 'tool');
const toolCount = (messages) => thisTurn(messages).filter((m) => m.role === 'tool').length;
const currentCell = (messages) => /Your current cell ID is ([^;\s.]+)/.exec(messages[0]?.content ?? '')?.[1];
const words = (text) => text.match(/\S+\s*/g) ?? [];

const scenarios = {
  // Creates a cell below the AI cell, runs it, then answers with what the run printed.
  'notebook-plot': (messages) => {
    const n = toolCount(messages);
    if (n === 0) return { text: words("I'll plot it in a new cell."), calls: [{ name: 'create_cell', arguments: {
      cellType: 'code', after_id: currentCell(messages),
      source: "import matplotlib.pyplot as plt\nplt.plot([1, 4, 9])\nplt.show()\nprint('plotted', 6 * 7)" } }] };
    if (n === 1) {
      const id = /cell: (\S+)/.exec(lastTool(messages).content)?.[1];
      return { text: [], calls: [{ name: 'execute_cell', arguments: { cellId: id } }] };
    }
    return { text: words('The cell ran. Its summary: ' + lastTool(messages).content) };
  },
  // Answers with what it was told of earlier cells (the test reads the request it was sent).
  'recall': (messages) => ({ text: words(`I was sent ${messages.length} messages.`) }),
  // A tool that is not built in (needs approval), then an answer with its result.
  'use-tool': (messages, body) => {
    const tool = (body.tools ?? []).map((t) => t.function.name).find((n) => n.startsWith('mcp__'));
    if (toolCount(messages) === 0) return { text: [], calls: [{ name: tool, arguments: { message: 'hello from the model' } }] };
    return { text: words('Tool said: ' + lastTool(messages).content) };
  },
  // Calls a built-in tool with arguments that are not JSON, then reads the error.
  'bad-arguments': (messages) => {
    if (toolCount(messages) === 0) return { text: [], calls: [{ name: 'modify_cell', rawArguments: '{"cellId": ' }] };
    return { text: words('Noted: ' + lastTool(messages).content) };
  },
  // Never stops calling tools (the iteration limit ends it).
  'loop': (messages) => ({ text: [], calls: [{ name: 'create_cell', arguments: { cellType: 'markdown', source: `step ${toolCount(messages)}`, after_id: currentCell(messages) } }] }),
};
// A long answer in many small chunks: "long" (2000) or "long-N".
const longAnswer = (model) => { const m = /^long(?:-(\d+))?$/.exec(model); return m ? { text: Array.from({ length: Number(m[1] ?? 2000) }, (_, i) => `w${i} `) } : null }
// For the first-token benchmark: the first chunk carries the wall-clock time (µs) it was written at.
const kStamp = '__SENT_AT_US__'
const wallMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000)

function openaiSse(plan, model) {
  const base = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1727346168, model, system_fingerprint: 'fp_scripted' };
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const out = [chunk({ role: 'assistant', content: plan.calls?.length && !plan.text.length ? null : '', refusal: null })];
  for (const piece of plan.text) out.push(chunk({ content: piece }));
  (plan.calls ?? []).forEach((call, index) => {
    const args = call.rawArguments ?? JSON.stringify(call.arguments);
    out.push(chunk({ tool_calls: [{ index, id: `call_${index}_${Math.floor(random() * 1e9).toString(36)}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (let at = 0; at < args.length; at += 7) out.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(at, at + 7) } }] }));
  });
  out.push(chunk({}, plan.calls?.length ? 'tool_calls' : (plan.finish ?? 'stop')));
  out.push(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\n`);
  out.push('data: [DONE]\n\n');
  return out;
}

function ollamaNdjson(plan, model) {
  const at = () => new Date().toISOString();
  const out = plan.text.map((piece) => JSON.stringify({ model, created_at: at(), message: { role: 'assistant', content: piece }, done: false }) + '\n');
  if (plan.calls?.length) out.push(JSON.stringify({ model, created_at: at(), message: { role: 'assistant', content: '', tool_calls: plan.calls.map((c, index) => ({
    id: `call_${index}x${Math.floor(random() * 1e6)}`, function: { index, name: c.name, arguments: c.arguments ?? {} } })) }, done: false }) + '\n');
  out.push(JSON.stringify({ model, created_at: at(), message: { role: 'assistant', content: '' }, done: true, done_reason: plan.finish ?? 'stop', eval_count: 5, prompt_eval_count: 10 }) + '\n');
  return out;
}

// ---- Failures, by model name, the same on both wires. ----

const failedOnce = new Set()

async function failure(model, res, wire) {
  const json = (status, body, headers = {}) => { res.writeHead(status, { 'content-type': 'application/json', ...headers }); res.end(JSON.stringify(body)); };
  const openaiError = (message, type, code) => ({ error: { message, type, param: null, code } });
  switch (model) {
    case 'fail-401': return json(401, openaiError('Incorrect API key provided: sk-VKMIs***************************************wjh3. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key')), true;
    case 'fail-429': return json(429, openaiError('Rate limit reached for gpt-4 in organization org-********** on tokens per min (TPM): Limit 10000, Used 9348, Requested 5086. Please try again in 26.604s.', 'tokens', 'rate_limit_exceeded'), { 'retry-after': '27' }), true;
    case 'fail-500': return json(500, wire === 'ollama' ? { error: 'llama runner process has terminated' } : openaiError('The server had an error while processing your request. Sorry about that!', 'server_error', null)), true;
    case 'silent': return true;  // never answers: the client's deadline ends it
    case 'flaky':  // overloaded once (asking for 100 ms), then fine
      if (failedOnce.has(wire)) return false
      failedOnce.add(wire)
      return json(503, wire === 'ollama' ? { error: 'server busy' } : openaiError('The engine is currently overloaded, please try again later', 'server_error', null), { 'retry-after-ms': '100' }), true;
    case 'cut': {  // some text, then the connection drops before the end
      res.writeHead(200, { 'content-type': wire === 'ollama' ? 'application/x-ndjson' : 'text/event-stream' });
      const plan = { text: words('This answer will be cut short') };
      const parts = wire === 'ollama' ? ollamaNdjson(plan, model) : openaiSse(plan, model);
      for (const p of parts.slice(0, 4)) res.write(p);
      await sleep(50);
      res.socket.destroy();
      return true;
    }
    case 'error-mid-stream': {
      res.writeHead(200, { 'content-type': wire === 'ollama' ? 'application/x-ndjson' : 'text/event-stream' });
      const parts = wire === 'ollama' ? ollamaNdjson({ text: ['Hel', 'lo'] }, model) : openaiSse({ text: ['Hel', 'lo'] }, model);
      for (const p of parts.slice(0, wire === 'ollama' ? 2 : 3)) res.write(p);  // before the end
      res.end(wire === 'ollama' ? '{"error":"an error was encountered while running the model"}\n'
        : `data: ${JSON.stringify(openaiError('The server had an error while processing your request. Sorry about that!', 'server_error', null))}\n\n`);
      return true;
    }
    case 'malformed': {
      res.writeHead(200, { 'content-type': wire === 'ollama' ? 'application/x-ndjson' : 'text/event-stream' });
      res.end(wire === 'ollama' ? '{"model":"x","message":{"content":"ok"},"done":false}\n{"model":\n' : 'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: {"choices":[\n\n');
      return true;
    }
    case 'slow': {  // a word every 100 ms for a minute (interrupt it)
      res.writeHead(200, { 'content-type': wire === 'ollama' ? 'application/x-ndjson' : 'text/event-stream' });
      const parts = wire === 'ollama' ? ollamaNdjson({ text: Array.from({ length: 600 }, (_, i) => `word${i} `) }, model)
        : openaiSse({ text: Array.from({ length: 600 }, (_, i) => `word${i} `) }, model);
      for (const p of parts) { if (res.destroyed) break; res.write(p); await sleep(100); }
      res.end();
      return true;
    }
  }
  return false;
}

const captures = {
  'capture-text': 'openai_text.sse', 'capture-tool-call': 'openai_tool_call.sse',
  'capture-parallel-calls': 'openai_parallel_calls.sse', 'capture-length': 'openai_length.sse',
};

async function chat(req, res, body, wire) {
  const model = body.model;
  if (await failure(model, res, wire)) return;
  if (wire === 'openai' && captures[model]) {  // byte for byte, split at random
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    await writeSliced(res, capture(captures[model]));
    return res.end();
  }
  const scenario = scenarios[model] ?? (() => longAnswer(model) ?? (model === 'first-token' ? { text: [`t=${kStamp}`, ' and', ' the', ' rest.'] }
    : { text: words(`Hello from ${model}.`) }));
  const plan = scenario(body.messages ?? [], body);
  res.writeHead(200, { 'content-type': wire === 'ollama' ? 'application/x-ndjson' : 'text/event-stream' });
  const parts = wire === 'ollama' ? ollamaNdjson(plan, model) : openaiSse(plan, model);
  if (longAnswer(model)) { res.write(parts.join('')); return res.end(); }
  if (model === 'first-token') {  // whole events, each stamped as it is written
    for (const p of parts) { res.write(p.replace(kStamp, String(wallMicros()))); await sleep(2); }
    return res.end();
  }
  for (const p of parts) await writeSliced(res, Buffer.from(p));
  res.end();
}

const ollamaModels = [
  { name: 'llama3.1:8b', capabilities: ['completion', 'tools'], parameter_size: '8.0B' },
  { name: 'notebook-plot:latest', capabilities: ['completion', 'tools'], parameter_size: '1B' },
];

async function handle(req, res) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString();
  const url = new URL(req.url, 'http://x');
  const body = text ? JSON.parse(text) : {};
  if (url.pathname !== '/_requests') requests.push({ method: req.method, path: url.pathname, headers: req.headers, body });
  const json = (status, value) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
  if (url.pathname === '/_requests') return json(200, requests);
  if (url.pathname === '/v1/chat/completions') {
    if (!/^Bearer .+/.test(req.headers.authorization ?? '')) return json(401, { error: { message: "You didn't provide an API key.", type: 'invalid_request_error', param: null, code: null } });
    return chat(req, res, body, 'openai');
  }
  if (url.pathname === '/v1/models') return json(200, { object: 'list', data: ['scripted-1', 'notebook-plot', 'use-tool'].map((id) => ({ id, object: 'model', created: 1686935002, owned_by: 'scripted' })) });
  if (url.pathname === '/api/chat') return chat(req, res, body, 'ollama');
  if (url.pathname === '/api/tags') return json(200, { models: ollamaModels.map((m) => ({ name: m.name, model: m.name, size: 1, details: { parameter_size: m.parameter_size } })) });
  if (url.pathname === '/api/show') {
    const m = ollamaModels.find((x) => x.name === body.model || x.name === body.name);
    return m ? json(200, { details: { parameter_size: m.parameter_size }, capabilities: m.capabilities }) : json(404, { error: `model '${body.model}' not found` });
  }
  if (url.pathname === '/') { res.writeHead(200); return res.end('Ollama is running'); }
  json(404, { error: 'not found' });
}

const tls = args.indexOf('--tls');
const server = tls >= 0
  ? https.createServer({ cert: fs.readFileSync(args[tls + 1]), key: fs.readFileSync(args[tls + 2]) }, handle)
  : http.createServer(handle);
server.listen(Number(option('--port') ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
