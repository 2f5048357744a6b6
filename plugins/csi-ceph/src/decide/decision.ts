/**
 * The typed result of every decision in this package (STYLE.md #2): pass with a value, or fail with
 * the rule's name, the catalogue code to answer with and a message the tenant can act on.
 */
import type { CsiErrorCode } from '../errors.js';

export type Decision<T> =
  | { readonly status: 'pass'; readonly rule: string; readonly value: T }
  | { readonly status: 'fail'; readonly rule: string; readonly code: CsiErrorCode; readonly message: string };

export const pass = <T>(rule: string, value: T): Decision<T> => ({ status: 'pass', rule, value });

export const fail = <T = never>(rule: string, code: CsiErrorCode, message: string): Decision<T> => ({
  status: 'fail',
  rule,
  code,
  message,
});
