import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { HandlerContext } from './handlers.js';
import type { KubeObject, StoredEvent } from './object-store.js';
import type { ResourcePath } from './resources.js';
import { failureStatus, sendJson, sendStatus, type StatusObject } from './status.js';
import { createRefusal, updateRefusal } from './write-rules.js';

const { applyPatch } = fastJsonPatch;

/**
 * Writes with kube-apiserver's semantics, for every type the fake serves: POST (create; 409 AlreadyExists;
 * generateName), PUT (replace; 409 Conflict on a stale metadata.resourceVersion), PATCH (JSON Patch,
 * merge patch; strategic merge patch is treated as a merge patch, which replaces lists), DELETE (with an
 * optional resourceVersion precondition). Each write is published to open watches. Types with a status
 * subresource (the corral.dev CRDs) take status only through `/status`, and nothing else there.
 * Lease and Event writes are checked as kube-apiserver checks them (write-rules.ts).
 */
export interface WriteContext extends HandlerContext {
  readonly publish: (event: StoredEvent) => void;
}

class WriteFailure extends Error {
  constructor(readonly status: StatusObject) {
    super(status.message);
  }
}

const fail = (code: number, reason: string, message: string): never => {
  throw new WriteFailure(failureStatus(code, reason, message));
};

const hasStatusSubresource = (target: ResourcePath) => target.resource.apiVersion.startsWith('corral.dev/');

function qualified(target: ResourcePath): string {
  const group = target.resource.apiVersion.includes('/') ? target.resource.apiVersion.split('/')[0] : '';
  return group ? `${target.resource.plural}.${group}` : target.resource.plural;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail(400, 'BadRequest', 'the request body is not valid JSON');
  }
}

function asObject(body: unknown): KubeObject {
  const metadata = (body as { metadata?: unknown } | null)?.metadata;
  if (typeof body !== 'object' || body === null || typeof metadata !== 'object' || metadata === null) {
    return fail(400, 'BadRequest', 'the object has no metadata');
  }
  return structuredClone(body) as KubeObject;
}

function current(target: ResourcePath, ctx: WriteContext, name: string): KubeObject {
  const found = ctx.store.get(target.resource, target.namespace, name);
  return found ?? fail(404, 'NotFound', `${qualified(target)} "${name}" not found`);
}

function conflict(target: ResourcePath, name: string): never {
  return fail(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(target)} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
  );
}

function create(target: ResourcePath, ctx: WriteContext, body: unknown): KubeObject {
  const object = asObject(body);
  const meta = object.metadata;
  if (!meta.name && typeof meta['generateName'] === 'string') {
    meta.name = `${meta['generateName']}${randomBytes(3).toString('hex').slice(0, 5)}`;
  }
  if (!meta.name)
    return fail(422, 'Invalid', 'metadata.name: Required value: name or generateName is required');
  if (target.namespace !== undefined) {
    if (meta.namespace !== undefined && meta.namespace !== target.namespace) {
      return fail(
        400,
        'BadRequest',
        'the namespace of the object does not match the namespace of the request',
      );
    }
    meta.namespace = target.namespace;
  }
  const refusal = createRefusal(target, ctx.store, object);
  if (refusal !== undefined) throw new WriteFailure(refusal);
  if (ctx.store.get(target.resource, target.namespace, meta.name)) {
    return fail(409, 'AlreadyExists', `${qualified(target)} "${meta.name}" already exists`);
  }
  delete meta.resourceVersion;
  if (hasStatusSubresource(target)) delete object['status'];
  const event = ctx.store.upsert(target.resource, object);
  ctx.publish(event);
  return event.object;
}

/** The stored object after a write to `name`: status only via /status, the rest only via the object. */
function settle(target: ResourcePath, before: KubeObject, after: KubeObject): KubeObject {
  if (!hasStatusSubresource(target)) return after;
  if (target.subresource === 'status') return { ...before, status: after['status'] };
  const { status: _ignored, ...rest } = after;
  return before['status'] === undefined ? rest : { ...rest, status: before['status'] };
}

function store(target: ResourcePath, ctx: WriteContext, name: string, before: KubeObject, after: KubeObject) {
  const wanted = after.metadata.resourceVersion;
  if (wanted !== undefined && wanted !== '' && wanted !== before.metadata.resourceVersion)
    conflict(target, name);
  if (after.metadata.name !== name)
    return fail(400, 'BadRequest', 'metadata.name does not match the request');
  const settled = settle(target, before, after);
  const refusal = updateRefusal(target, before, settled);
  if (refusal !== undefined) throw new WriteFailure(refusal);
  settled.metadata = { ...settled.metadata, uid: before.metadata.uid };
  const event = ctx.store.upsert(target.resource, settled);
  ctx.publish(event);
  return event.object;
}

function patched(req: IncomingMessage, before: KubeObject, body: unknown): KubeObject {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(body)) return fail(400, 'BadRequest', 'a JSON Patch must be an array of operations');
    try {
      return applyPatch(structuredClone(before), body as Operation[], true, false).newDocument;
    } catch (err) {
      return fail(422, 'Invalid', `JSON Patch failed: ${(err as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
    return mergePatch(structuredClone(before), body) as KubeObject;
  }
  return fail(415, 'UnsupportedMediaType', `the body of the request was in an unknown format: ${type ?? ''}`);
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function remove(target: ResourcePath, ctx: WriteContext, name: string, body: unknown): KubeObject {
  const before = current(target, ctx, name);
  const wanted = (body as { preconditions?: { resourceVersion?: string } } | undefined)?.preconditions
    ?.resourceVersion;
  if (wanted !== undefined && wanted !== before.metadata.resourceVersion) conflict(target, name);
  const event = ctx.store.remove(target.resource, target.namespace, name);
  if (event) ctx.publish(event);
  return before;
}

async function write(
  req: IncomingMessage,
  target: ResourcePath,
  ctx: WriteContext,
): Promise<[number, unknown]> {
  const body = await readBody(req);
  const name = target.name;
  if (req.method === 'POST' && name === undefined) {
    return [201, create(target, ctx, body)];
  }
  if (name === undefined) return fail(405, 'MethodNotAllowed', `${req.method ?? ''} needs an object name`);
  if (req.method === 'PUT')
    return [200, store(target, ctx, name, current(target, ctx, name), asObject(body))];
  if (req.method === 'PATCH') {
    const before = current(target, ctx, name);
    return [200, store(target, ctx, name, before, patched(req, before, body))];
  }
  if (req.method === 'DELETE') return [200, remove(target, ctx, name, body)];
  return fail(405, 'MethodNotAllowed', `${req.method ?? ''} is not supported`);
}

/** Answers a POST/PUT/PATCH/DELETE on a served resource. */
export async function handleWrite(
  req: IncomingMessage,
  res: ServerResponse,
  target: ResourcePath,
  ctx: WriteContext,
): Promise<void> {
  try {
    const [code, body] = await write(req, target, ctx);
    sendJson(res, code, body);
  } catch (err) {
    if (err instanceof WriteFailure) sendStatus(res, err.status);
    else throw err;
  }
}
