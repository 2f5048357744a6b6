import { Counter, Gauge, type Registry } from 'prom-client';

export type CertificateLabel = 'ca' | 'serving';

/** The certificate bootstrap's series (docs/metrics.md). */
export interface CertificateMetrics {
  /** `corral_admission_certificate_expiry_timestamp_seconds{certificate}`: notAfter, Unix seconds. */
  readonly expiry: Gauge<'certificate'>;
  /** `corral_admission_certificate_rotations_total{certificate,reason}`: certificates this replica issued. */
  readonly rotations: Counter<'certificate' | 'reason'>;
  /** `corral_admission_ca_bundle_patches_total{kind}`: webhook configurations whose caBundle it set. */
  readonly caBundlePatches: Counter<'kind'>;
  /** `corral_admission_certificate_sync_errors_total`: reconciliations that failed (retried). */
  readonly syncErrors: Counter;
  /** `corral_admission_retired_cas_trusted`: retired CAs the Secret's bundle still holds. */
  readonly retiredCasTrusted: Gauge;
}

const EXPIRY = 'corral_admission_certificate_expiry_timestamp_seconds';

/** Registers the certificate series in `registry`, or returns the ones already there. */
export function createCertificateMetrics(registry: Registry): CertificateMetrics {
  const existing = registry.getSingleMetric(EXPIRY);
  if (existing instanceof Gauge) {
    return {
      expiry: existing as Gauge<'certificate'>,
      rotations: registry.getSingleMetric('corral_admission_certificate_rotations_total') as Counter<
        'certificate' | 'reason'
      >,
      caBundlePatches: registry.getSingleMetric(
        'corral_admission_ca_bundle_patches_total',
      ) as Counter<'kind'>,
      syncErrors: registry.getSingleMetric('corral_admission_certificate_sync_errors_total') as Counter,
      retiredCasTrusted: registry.getSingleMetric('corral_admission_retired_cas_trusted') as Gauge,
    };
  }
  return {
    expiry: new Gauge({
      name: EXPIRY,
      help: 'When the certificate this replica serves (serving) and the current CA (ca) expire, Unix seconds.',
      labelNames: ['certificate'],
      registers: [registry],
    }),
    rotations: new Counter({
      name: 'corral_admission_certificate_rotations_total',
      help: 'Certificates this replica issued into the Secret, by certificate and reason.',
      labelNames: ['certificate', 'reason'],
      registers: [registry],
    }),
    caBundlePatches: new Counter({
      name: 'corral_admission_ca_bundle_patches_total',
      help: 'Webhook configurations whose caBundle this replica set, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    syncErrors: new Counter({
      name: 'corral_admission_certificate_sync_errors_total',
      help: 'Certificate reconciliations that failed and will be retried.',
      registers: [registry],
    }),
    retiredCasTrusted: new Gauge({
      name: 'corral_admission_retired_cas_trusted',
      help: 'Retired CAs the webhook certificate Secret still trusts (0: every retirement is finished).',
      registers: [registry],
    }),
  };
}
