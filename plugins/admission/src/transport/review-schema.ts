import { Type } from '@sinclair/typebox';

/**
 * Route schemas (STYLE.md #6). The body schema is loose on purpose: the envelope explains problems.
 * `request.uid` is required but not typed here: fastify's validator coerces types, and would turn a uid
 * of 42 or ["u"] into a string that the answer then echoes as if the API server had sent it.
 */
export const ReviewBodySchema = Type.Object(
  {
    apiVersion: Type.String(),
    kind: Type.String(),
    request: Type.Object(
      { uid: Type.Unknown({ description: 'a non-empty string (envelope.ts checks it)' }) },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);

export const ReviewReplySchema = Type.Object({
  apiVersion: Type.String(),
  kind: Type.Literal('AdmissionReview'),
  response: Type.Object({
    uid: Type.String(),
    allowed: Type.Boolean(),
    // Base64 (A–Z a–z 0–9 + / =) never needs JSON escaping: `unsafe` tells fast-json-stringify to
    // skip scanning the ~1–2 KB string for characters to escape.
    patch: Type.Optional(Type.String({ format: 'unsafe' })),
    patchType: Type.Optional(Type.Literal('JSONPatch')),
    warnings: Type.Optional(Type.Array(Type.String())),
    status: Type.Optional(
      Type.Object({ code: Type.Integer(), message: Type.String(), reason: Type.Optional(Type.String()) }),
    ),
    auditAnnotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  }),
});

export const ErrorReplySchema = Type.Object({ code: Type.String(), message: Type.String() });

/**
 * The 403 of a caller refused by the client certificate check (--tls-client-ca), as the runtime's
 * requireClientCertificate writes it; the rules' own errors answer ErrorReplySchema.
 */
export const ClientRefusalSchema = Type.Object({
  error: Type.String(),
  message: Type.String(),
  statusCode: Type.Integer(),
});
