/** The Corral admission webhooks. Built in issue #5; until then the service refuses to start. */
export const SERVICE_STATUS = { built: false, issue: 5, name: 'admission webhook service' } as const;
