import type { RefusalGroup } from '../decide/refusals.js';

/** What the walkthrough found, section by section: what the tables print and the tests assert. */
export interface ServiceRow {
  readonly service: string;
  readonly endpoint: string;
  readonly notes: string;
}

export interface AdmissionRow {
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Set for objects a controller created (`Deployment web-prod/x`). */
  readonly createdBy?: string;
  readonly outcome: 'allowed' | 'denied' | 'allowed with warnings';
  /** Allowed only because the namespace audits: the rules in `why` were broken and recorded, not enforced. */
  readonly audited: boolean;
  /** The mutating webhook's changes, summarised; `-` when none or not a pod. */
  readonly patched: string;
  /** status.message on a denial, warnings, audit annotations; each names its rule in brackets. */
  readonly why: readonly string[];
  /** The rules named in `why`. */
  readonly rules: readonly string[];
}

export interface ScheduleRow {
  readonly pod: string;
  readonly nodes: number;
  /** Nodes left after kube-scheduler's own filters (the ones the extender is asked about). */
  readonly afterKube: number;
  /** Nodes left after the extender's filter. */
  readonly afterExtender: number;
  readonly chosen?: string;
  readonly score?: number;
  readonly kubeRefusals: readonly RefusalGroup[];
  readonly extenderRefusals: readonly RefusalGroup[];
}

export interface StorageStep {
  /** What happens in Kubernetes terms, e.g. "provision finance-prod/ledger-archive". */
  readonly step: string;
  readonly rpc: string;
  readonly outcome: 'ok' | 'refused as expected' | 'failed' | 'skipped';
  readonly result: string;
  readonly ms?: number;
}

export interface StorageReport {
  /** Why the storage part did not run, if it did not. */
  readonly skipped?: string;
  /** The CSI driver's roles, started for this part. */
  readonly services: readonly ServiceRow[];
  readonly steps: readonly StorageStep[];
}

export interface WalkthroughReport {
  /** The run's temp folder (removed at the end unless something was left mounted there). */
  readonly workspace: string;
  readonly services: readonly ServiceRow[];
  readonly admission: readonly AdmissionRow[];
  readonly notReviewed: readonly string[];
  readonly scheduling: readonly ScheduleRow[];
  readonly storage: StorageReport;
  /** Everything that should have worked and did not; the demo exits 1 when not empty. */
  readonly failures: readonly string[];
  /** What the services logged at warn or error level (shown when something failed). */
  readonly serviceLogs: readonly string[];
}
