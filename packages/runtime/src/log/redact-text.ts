/**
 * Secret values inside free text (`Bearer …`, URL user info, `token=…`, `--key VALUE`, cephx keys).
 * The implementation is shared with the cluster source and lives in @corral/policy, the lowest
 * package both depend on; the logger runs it on every string it writes (see createLogger).
 */
export { redactText } from '@corral/policy';
