/** The Corral CSI driver. Built in issue #6; until then the service refuses to start. */
export const SERVICE_STATUS = { built: false, issue: 6, name: 'CSI driver' } as const;
