/* SPDX-License-Identifier: MIT */
/*
 * vpstune — detect, plan, apply, verify and persist VM tunings.
 *
 * One command table; global options are parsed here and shared set-up (the
 * sysroot, log level, colour) is done once before the verb runs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "config.h"
#include "log.h"
#include "output/stdout.h"
#include "sysroot.h"
#include "util.h"

enum cmd_flags {
        NEEDS_SYSROOT = 1 << 0,
};

struct command {
        const char *name;
        int (*fn)(struct cmd_ctx *ctx, int argc, char **argv);
        unsigned flags;
        const char *synopsis;
        const char *summary;
};

static const struct command commands[] = {
        { "detect", cmd_detect, NEEDS_SYSROOT, "[--json]", "what this machine is" },
        { "profiles", cmd_profiles, NEEDS_SYSROOT, "[--json]", "built-in and installed profiles" },
        { "plan", cmd_plan, NEEDS_SYSROOT, "[-p PROFILE] [--json]", "what apply would change, and why" },
        { "apply", cmd_apply, NEEDS_SYSROOT, "[-p PROFILE] [--dry-run] [--only GROUP,...] [--skip GROUP,...]", "make the plan true on this machine" },
        { "verify", cmd_verify, NEEDS_SYSROOT, "[-p PROFILE] [--format text|json|tap|prometheus|nagios]", "is every tuning in effect?" },
        { "rollback", cmd_rollback, NEEDS_SYSROOT, "[--list | --to ID]", "undo an apply from the journal" },
        { "generate", cmd_generate, NEEDS_SYSROOT, "TARGET [-p PROFILE] [-o FILE]", "persistent configuration for this machine" },
        { "check-config", cmd_check_config, NEEDS_SYSROOT, "FILE...", "device references that don't exist" },
        { "bench", cmd_bench, NEEDS_SYSROOT, "[WORKLOAD...] [--dir DIR] [--runs N] ...", "measure whether tunings help" },
        { "health", cmd_health, NEEDS_SYSROOT, "[--format text|json|prometheus|nagios]", "maintenance checks" },
        { "snapshot", cmd_snapshot, NEEDS_SYSROOT, "[SUBVOLUME...]", "btrfs snapshots before changes" },
};

static void help(FILE *f) {
        fprintf(f,
                "Usage: vpstune [OPTIONS] COMMAND [ARGS]\n"
                "\n"
                "Detects the machine that is really there, plans tunings from a profile,\n"
                "applies them with a crash-safe undo, verifies them, and writes persistent\n"
                "configuration. Without a command: plan with the default profile (read-only).\n"
                "\n"
                "Options:\n"
                "  -r, --root DIR       read and write everything under DIR as if it were /\n"
                "      --state-dir DIR  journal and lock directory (default %s)\n"
                "  -p, --profile NAME   profile name or path (for commands that take one)\n"
                "      --no-color       never colour output (NO_COLOR is honoured too)\n"
                "      --insecure-profile  as root, accept a profile file that a non-root user\n"
                "                       could have written (refused by default, like sshd)\n"
                "  -q, --quiet          errors only\n"
                "  -v, --verbose        more detail (repeat for debug)\n"
                "  -h, --help           this help; COMMAND --help for a command's\n"
                "  -V, --version        version\n"
                "\n"
                "Commands:\n",
                VPSTUNE_STATE_DIR);
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
        fprintf(f,
                "\n"
                "Exit status: 0 ok; 1 drift or findings; 2 usage or input error;\n"
                "3 could not determine (permission, unreadable).\n"
                "See vpstune(8).\n");
}

int exit_code_from_errno(int r) {
        switch (r) {
        case 0:
                return EXIT_OK;
        case -EACCES:
        case -EPERM:
        case -EIO:
                return EXIT_UNKNOWN;
        default:
                return EXIT_USAGE;
        }
}

static const struct command *find_command(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (streq(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "root", required_argument, NULL, 'r' },
                { "state-dir", required_argument, NULL, 'S' },
                { "profile", required_argument, NULL, 'p' },
                { "no-color", no_argument, NULL, 'C' },
                { "insecure-profile", no_argument, NULL, 'I' },
                { "quiet", no_argument, NULL, 'q' },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {}
        };
        struct cmd_ctx ctx = { .root = "/" };
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        const struct command *cmd;
        /* Bare "vpstune" is the safe, read-only main job (DESIGN.md: plan
         * with the default profile). */
        char *default_argv[] = { (char *) "plan", NULL };
        bool no_color = false;
        int c, r;

        /* "+": stop at the first non-option, the command's own options follow. */
        while ((c = getopt_long(argc, argv, "+r:p:qvhV", opts, NULL)) != -1) {
                switch (c) {
                case 'r':
                        ctx.root = optarg;
                        break;
                case 'S':
                        ctx.state_dir = optarg;
                        break;
                case 'p':
                        ctx.profile = optarg;
                        break;
                case 'C':
                        no_color = true;
                        break;
                case 'I':
                        ctx.insecure_profile = true;
                        break;
                case 'q':
                        ctx.verbosity = -1;
                        break;
                case 'v':
                        ctx.verbosity++;
                        break;
                case 'h':
                        help(stdout);
                        return stdout_close_checked();
                case 'V':
                        printf("vpstune %s\n", VPSTUNE_VERSION);
                        return stdout_close_checked();
                default:
                        fprintf(stderr, "Try 'vpstune --help' for more information.\n");
                        return EXIT_USAGE;
                }
        }
        log_set_level(ctx.verbosity < 0 ? LOG_ERROR : ctx.verbosity == 0 ? LOG_NOTICE : ctx.verbosity == 1 ? LOG_INFO : LOG_DEBUG);

        argc -= optind;
        argv += optind;
        if (argc == 0) {
                argc = 1;
                argv = default_argv;
        }
        cmd = find_command(argv[0]);
        if (!cmd) {
                log_error("unknown command '%s'; try 'vpstune --help'", argv[0]);
                return EXIT_USAGE;
        }

        {
                const char *nc = getenv("NO_COLOR");
                ctx.color = !no_color && !(nc && *nc) && isatty(STDOUT_FILENO);
                ctx.progress = isatty(STDERR_FILENO) && ctx.verbosity >= 0;
        }

        if (cmd->flags & NEEDS_SYSROOT) {
                r = sysroot_open(ctx.root, &sr);
                if (r < 0) {
                        log_error_errno(r, "cannot open root '%s': %m", ctx.root);
                        return EXIT_USAGE;
                }
                ctx.sr = sr;
        }

        /* Commands get argv[0] = their name, so getopt works as usual. */
        optind = 0;
        r = cmd->fn(&ctx, argc, argv);
        c = stdout_close_checked();
        return r != EXIT_OK ? r : c;
}
