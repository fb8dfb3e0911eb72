/* SPDX-License-Identifier: MIT */
/*
 * Verbs are thin (git builtin/, util-linux sys-utils/): each cmd_*() parses
 * its own options, calls into the library and hands the result to an output
 * renderer. Shared set-up (sysroot, verbosity, colour) is done once in main.c
 * from the command table's flags, as git's run_builtin() does.
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "sysroot.h"

/* DESIGN.md exit codes. */
enum {
        EXIT_OK = 0,
        EXIT_FINDINGS = 1, /* drift / findings (verify, health, check-config) */
        EXIT_USAGE = 2,    /* usage or input error */
        EXIT_UNKNOWN = 3,  /* could not determine (permission, unreadable) */
};

struct cmd_ctx {
        struct sysroot *sr;
        const char *root;        /* as given, "/" when live */
        const char *state_dir;   /* NULL = default */
        const char *profile;     /* global -p, NULL = default */
        bool color;              /* stdout is a TTY and NO_COLOR unset and no --no-color */
        bool progress;           /* stderr is a TTY */
        int verbosity;           /* -1 quiet, 0 normal, 1+ verbose */
        bool insecure_profile;   /* accept profiles a non-root user could have written */
        bool no_pager;           /* --no-pager */
        unsigned facts_scope;    /* enum facts_scope: what cmd_load may skip */
};

/* getopt_long() for a command's own options (argv[0] is the command's name),
 * with errors in the house format: "vpstune: verify: unknown option '--bogus'
 * (try 'vpstune verify --help')", "option '--format' requires an argument".
 * Returns what getopt_long returns; '?' after logging (the caller returns
 * EXIT_USAGE). Global options never reach it: main.c lifts them out first. */
int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Maps a negative errno from the library to a DESIGN.md exit code. */
int exit_code_from_errno(int r);

#define CMD(name) int cmd_##name(struct cmd_ctx *ctx, int argc, char **argv)
CMD(detect);
CMD(profiles);
CMD(plan);
CMD(apply);
CMD(verify);
CMD(rollback);
CMD(generate);
CMD(check_config);
CMD(bench);
CMD(health);
CMD(snapshot);
