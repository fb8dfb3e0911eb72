/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct health_bg {
        uint64_t start, length, used;
};
/* Data block groups of the filesystem open at fd (any file or directory on
 * it). Needs CAP_SYS_ADMIN. */
int health_btrfs_data_block_groups(int fd, struct health_bg **ret, size_t *ret_n);

struct health_compsize {
        uint64_t disk_bytes, ram_bytes;           /* all data extents, each counted once */
        uint64_t comp_disk_bytes, comp_ram_bytes; /* the compressed ones */
        uint64_t extents;
        size_t subvolumes;
        bool truncated;                           /* the time budget ran out */
        double elapsed_s;
};
int health_btrfs_compsize(int fd, double budget_s, struct health_compsize *ret);
