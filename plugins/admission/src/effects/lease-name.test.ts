import { leaseName } from './lease-reservation-store.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('leaseName', () => {
  it('given a department or namespace key, prefixes it', () => {
    expect(leaseName('department-finance')).toBe('corral-quota-department-finance');
    expect(leaseName('namespace-web-prod')).toBe('corral-quota-namespace-web-prod');
  });

  it.each(['-', '.'])(
    'given a 253-character department name with %s where the name would be cut, stays a valid name',
    (separator) => {
      // A valid Department name whose separator is character 253 of `corral-quota-department-<name>`.
      const name = `${'a'.repeat(228)}${separator}${'b'.repeat(24)}`;
      expect(name).toHaveLength(253);
      const lease = leaseName(`department-${name}`);
      expect(lease.length).toBeLessThanOrEqual(253);
      expect(lease).toMatch(DNS_SUBDOMAIN);
    },
  );

  it('given two long keys that share their first 240 characters, gives them different Leases', () => {
    const shared = 'x'.repeat(240);
    expect(leaseName(`department-${shared}-one`)).not.toBe(leaseName(`department-${shared}-two`));
  });
});
