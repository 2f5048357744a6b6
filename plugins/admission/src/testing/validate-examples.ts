import type { Decision } from '../decide/decision.js';
import type { AdmissionRequest } from '../decide/request.js';
import { NOTHING_RESERVED } from '../decide/quota.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { validateRequest, type ReservedUsage } from '../decide/validate.js';
import { snapshotFromFiles } from './example-snapshot.js';

/** For tests: the validating rules over the examples' policies, and a short form of what they said. */
export async function examplesValidator() {
  const snapshot = await snapshotFromFiles();
  const none: ReservedUsage = () => NOTHING_RESERVED;
  const validate = (request: AdmissionRequest, reserved = none) =>
    validateRequest(request, snapshot, DEFAULT_RULE_SETTINGS, reserved);
  return { snapshot, validate };
}

/** `rule:outcome[:audit]` of every decision that is not a pass or a skip. */
export const decisionSummary = (decisions: readonly Decision[]): string[] =>
  decisions
    .filter((d) => d.outcome !== 'pass' && d.outcome !== 'skip')
    .map((d) => `${d.rule}:${d.outcome}${d.audit ? ':audit' : ''}`);
