/** The Corral scheduler extender. Built in issue #4; until then the service refuses to start. */
export const SERVICE_STATUS = { built: false, issue: 4, name: 'scheduler extender' } as const;
