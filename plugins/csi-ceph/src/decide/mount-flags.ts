/**
 * The mount options in a capability's `mount_flags`, one option per entry. Kubelet passes each
 * `mountOptions` entry of a PV or StorageClass as one flag, and an entry may hold several options
 * ("noatime,ro"), as mount(8) takes them; kubelet's own SELinux option is one entry whose quoted value
 * holds commas (`context="system_u:object_r:container_file_t:s0:c0,c1"`). Before, entries were
 * compared whole: the `ro` of "noatime,ro" was not seen, so a stage mounted read-only on purpose was
 * reported as a filesystem gone read-only (volume_condition abnormal, every publish refused with
 * STAGE_BROKEN), and the `rw` of "rw,exec" was kept in a reader-only stage's options.
 */

/** Given `mount_flags`, returns its options one per entry (split at commas outside double quotes, trimmed, empty ones dropped). */
export function mountOptionList(flags: readonly string[]): string[] {
  const options: string[] = [];
  for (const flag of flags) {
    let current = '';
    let quoted = false;
    for (const char of flag) {
      if (char === '"') quoted = !quoted;
      if (char === ',' && !quoted) {
        options.push(current);
        current = '';
      } else {
        current += char;
      }
    }
    options.push(current);
  }
  return options.map((option) => option.trim()).filter((option) => option !== '');
}

/** Do `mount_flags` mount read-only (the last of `ro` and `rw` wins, as in mount(8))? */
export function flagsMountReadOnly(flags: readonly string[]): boolean {
  return (
    mountOptionList(flags)
      .filter((option) => option === 'ro' || option === 'rw')
      .pop() === 'ro'
  );
}
