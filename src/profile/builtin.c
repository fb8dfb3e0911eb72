/* SPDX-License-Identifier: MIT */
/*
 * Built-in profiles, written in the profile format itself (parsed by the
 * same code as files). The texts are the files profiles/NAME/vpstune.conf,
 * embedded at build time (scripts/embed-profiles.py) and also installed in
 * /usr/lib/vpstune/profiles/ for copying. The format is TuneD's tuned.conf
 * (see src/profile/FORMAT.md):
 *
 *   [main]          summary=, include=a,-optional_b
 *   [variables]     name=value, used as ${name}; ${f:function:args}
 *   [sysctl]        kernel.key=value
 *   [vm] [sysfs]    as in TuneD
 *   [disk]          devices= (TuneD globs, !exclude), elevator=, readahead= (KiB), nomerges=
 *   [btrfs]         the btrfs on / ([btrfs./MP] or mountpoint=MP: another mount):
 *                   fs_options= (filesystem-wide, first mount), mount_options= (per
 *                   mount), read_ahead_kb= (the btrfs BDI), nocow=DIR,... (chattr +C),
 *                   compression=DIR:ALG,... (btrfs.compression property)
 *   [zram]          zram-generator keys: zram-size= (expression of ram, cpus),
 *                   compression-algorithm= (first available wins), swap-priority=
 *   [containers]    storage.conf [storage]: driver=, graphroot=
 *   [nix]           nix.conf keys; cores= and max-jobs= may be expressions of cpus
 *
 * Units of other TuneD plugins ([cpu], [bootloader], ...) load fine and are
 * reported as not supported by vpstune.
 */
#include "profile/profile-internal.h"
#include "profile/builtin-texts.h"

const struct builtin_profile builtin_profiles[] = { BUILTIN_PROFILE_LIST };

const size_t n_builtin_profiles = ELEMENTSOF(builtin_profiles);
