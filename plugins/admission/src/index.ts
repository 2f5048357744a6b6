/** The Corral admission webhooks (issue #5): mutating and validating AdmissionReview v1 over HTTPS. */
export const SERVICE_STATUS = { built: true, issue: 5, name: 'admission webhook service' } as const;

/** Subcommands for the corral CLI: `corral admission ...` and `corral check -f ... --policies ...`. */
export { commands } from './commands/index.js';

export { startAdmission, type RunningAdmission, type StartOptions } from './commands/run-admission.js';
export { checkManifests, type CheckReport, type CheckedObject } from './commands/check.js';
export { groupVersionOf } from './commands/check-request.js';
export type { Command, CommandIo } from './commands/command-io.js';
export {
  loadAdmissionConfig,
  AdmissionConfigSchema,
  ADMISSION_DEFAULTS,
  type AdmissionConfig,
} from './config.js';
export { ADM_ERR, AdmissionError, httpStatusOf, type AdmissionErrorCode } from './errors.js';
export {
  buildAdmissionServer,
  type AdmissionServer,
  type AdmissionServerOptions,
} from './transport/admission-server.js';
export {
  parseReview,
  respond,
  respondToFailure,
  type ReviewIn,
  type ReviewOut,
  type InnerResult,
} from './transport/envelope.js';
export { withAdmission, type InnerHandler, type Answer } from './transport/with-admission.js';
export { ReservationLedger } from './effects/reservation-ledger.js';
export { SharedReservations } from './effects/shared-reservations.js';
export {
  MemoryReservationStore,
  type ReservationStore,
  type StoredRecord,
  type StoredReservation,
} from './effects/reservation-store.js';
export {
  LeaseReservationStore,
  leaseName,
  RESERVATIONS_ANNOTATION,
} from './effects/lease-reservation-store.js';
export {
  policyStatusApi,
  startPolicyStatusWriter,
  type PolicyStatusWriter,
} from './effects/policy-status-writer.js';
export { stalePolicyStatuses } from './decide/policy-status.js';
export { mutatePod } from './decide/mutate.js';
export { validateRequest, type ValidateResult, type Demand } from './decide/validate.js';
export { parseImageRef, type ImageRef } from './decide/image-ref.js';
export { DEFAULT_RULE_SETTINGS, type RuleSettings } from './decide/settings.js';
export type { Decision, Outcome } from './decide/decision.js';
export type { AdmissionRequest } from './decide/request.js';
export {
  createCertificateAuthority,
  issueServingCertificate,
  type IssuedPair,
} from './effects/tls/issue-certificates.js';
