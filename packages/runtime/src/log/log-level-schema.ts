import { Type } from '@sinclair/typebox';

/** The `--log-level` option every service accepts: pino's levels plus `silent`. */
export const LogLevelSchema = Type.Union(
  [
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ],
  { description: 'Log level: fatal, error, warn, info, debug, trace or silent.' },
);
