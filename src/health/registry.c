/* SPDX-License-Identifier: MIT */
/*
 * The check registry: adding a check is one file (check-NAME.c defining
 * `const struct health_check health_check_NAME`) and one line here. The
 * order is the report's order: space first, then what explains it.
 */
#include "health/health.h"
#include "profile/health-section.h"
#include "util.h"

extern const struct health_check health_check_fs_space, health_check_btrfs_unallocated,
        health_check_btrfs_metadata, health_check_btrfs_device_errors, health_check_btrfs_scrub,
        health_check_btrfs_balance_need, health_check_btrfs_compression, health_check_zram, health_check_psi,
        health_check_cpu_steal, health_check_smart, health_check_journal, health_check_tuning_drift,
        health_check_maintenance_timers, health_check_snapshots;

const struct health_check *const health_checks[] = {
        &health_check_fs_space,
        &health_check_btrfs_unallocated,
        &health_check_btrfs_metadata,
        &health_check_btrfs_device_errors,
        &health_check_btrfs_scrub,
        &health_check_btrfs_balance_need,
        &health_check_btrfs_compression,
        &health_check_zram,
        &health_check_psi,
        &health_check_cpu_steal,
        &health_check_smart,
        &health_check_journal,
        &health_check_tuning_drift,
        &health_check_maintenance_timers,
        &health_check_snapshots,
};
const size_t health_n_checks = ELEMENTSOF(health_checks);

const struct health_check *health_check_find(const char *id) {
        for (size_t i = 0; i < health_n_checks; i++)
                if (streq(health_checks[i]->id, id))
                        return health_checks[i];
        return NULL;
}

bool health_check_known(const char *id) {
        return health_check_find(id) != NULL;
}
