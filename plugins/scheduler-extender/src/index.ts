/** @corral/scheduler-extender: the kube-scheduler extender (issue #4). */
export const SERVICE_STATUS = { built: true, issue: 4, name: 'scheduler extender' } as const;

export { buildExtender, type BuildExtenderOptions, type Extender } from './build-extender.js';
export { loadExtenderConfig, EXTENDER_DEFAULTS, EXTENDER_FLAGS, type ExtenderConfig } from './config.js';
export { EXT_ERR, ExtenderError, toWireMessage, type ExtErrorCode } from './errors.js';
export * from './decide/index.js';
export { ExtenderHandlers, type Binder, type ExtenderDeps } from './transport/extender-handlers.js';
export { readExtenderArgs, type ExtenderArgs, type NodesIn } from './transport/extender-args.js';
export { filterResult, filterError, type ExtenderFilterResult } from './transport/filter-result.js';
export { priorityList, MAX_EXTENDER_PRIORITY, type HostPriority } from './transport/priority-result.js';
export {
  readPreemptionArgs,
  preemptionResult,
  type ExtenderPreemptionResult,
} from './transport/preempt-envelope.js';
export {
  readBindingArgs,
  bindingResult,
  type BindingArgs,
  type ExtenderBindingResult,
} from './transport/bind-envelope.js';
export { podBinder } from './effects/bind-pod.js';
export { openExtenderSnapshot } from './effects/open-snapshot.js';
export { commands, type CliIo } from './commands/index.js';
export { explainCommand } from './commands/explain-command.js';
export { extenderCommand } from './commands/extender-command.js';
export { runExtender, type RunningExtender, type RunOptions } from './commands/run-extender.js';
export { explainPod, type ExplainRow } from './decide/explain.js';
