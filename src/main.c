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
        TAKES_PROFILE = 1 << 1, /* -p means something to it */
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
        { "plan", cmd_plan, NEEDS_SYSROOT | TAKES_PROFILE, "[-p PROFILE] [--json]", "what apply would change, and why" },
        { "apply", cmd_apply, NEEDS_SYSROOT | TAKES_PROFILE, "[-p PROFILE] [--dry-run] [--only GROUP,...] [--skip GROUP,...]", "make the plan true on this machine" },
        { "verify", cmd_verify, NEEDS_SYSROOT | TAKES_PROFILE, "[-p PROFILE] [--format text|json|tap|prometheus|nagios]", "is every tuning in effect?" },
        { "rollback", cmd_rollback, NEEDS_SYSROOT, "[--list | --to ID]", "undo an apply from the journal" },
        { "generate", cmd_generate, NEEDS_SYSROOT | TAKES_PROFILE, "TARGET [-p PROFILE] [-o FILE]", "persistent configuration for this machine" },
        { "check-config", cmd_check_config, NEEDS_SYSROOT, "FILE...", "device references that don't exist" },
        { "bench", cmd_bench, NEEDS_SYSROOT | TAKES_PROFILE, "[WORKLOAD...] [--dir DIR] [--runs N] ...", "measure whether tunings help" },
        { "health", cmd_health, NEEDS_SYSROOT | TAKES_PROFILE, "[--format text|json|prometheus|nagios]", "maintenance checks" },
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
                "Options (before or after the command; '--' ends them):\n"
                "  -r, --root DIR       read and write everything under DIR as if it were /\n"
                "      --state-dir DIR  journal and lock directory (default %s)\n"
                "  -p, --profile NAME   profile name or path (for commands that take one)\n"
                "      --color=WHEN     colour output: auto (default), always, never;\n"
                "                       auto means a terminal, NO_COLOR unset, TERM not dumb\n"
                "      --no-color       the same as --color=never\n"
                "      --no-pager       do not pipe long output into a pager\n"
                "      --insecure-profile  as root, accept a profile file that a non-root user\n"
                "                       could have written (refused by default, like sshd)\n"
                "  -q, --quiet          errors only\n"
                "  -v, --verbose        detection evidence; -vv all debug topics\n"
                "                       (what VPSTUNE_DEBUG=all shows)\n"
                "      --json           machine-readable output, for commands that have it\n"
                "  -h, --help           this help; 'vpstune help COMMAND' for a command's\n"
                "  -V, --version        version\n"
                "\n"
                "Commands:\n",
                VPSTUNE_STATE_DIR);
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
        fprintf(f,
                "  %-13s %s\n"
                "\n"
                "Exit status: 0 ok; 1 drift or findings; 2 usage or input error;\n"
                "3 could not determine (permission, unreadable).\n"
                "See vpstune(8).\n",
                "help", "a command's --help");
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

static void unknown_command(const char *name) {
        const char *names[ELEMENTSOF(commands) + 1];
        const char *best;

        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                names[i] = commands[i].name;
        names[ELEMENTSOF(commands)] = "help";
        best = string_closest(name, names, ELEMENTSOF(names));
        if (best)
                log_error("unknown command '%s'; did you mean '%s'? (try 'vpstune --help')", name, best);
        else
                log_error("unknown command '%s' (try 'vpstune --help')", name);
}

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct globals {
        enum color_mode color;
        bool json;          /* --json before the command: handed to it */
        bool profile_given; /* -p was given (a command without one refuses it) */
};

/* The global options, recognised before the command and lifted out of its
 * arguments after it (systemctl accepts them anywhere). Returns how many
 * arguments it consumed (1 or 2), 0 if argv[i] is not a global option, or
 * -1 after logging a usage error. "verb" names the command for messages. */
static int global_option(char **argv, int argc, int i, const char *verb, struct cmd_ctx *ctx,
                         struct globals *g) {
        enum { G_ROOT, G_STATE_DIR, G_PROFILE, G_COLOR, G_NO_COLOR, G_NO_PAGER, G_INSECURE, G_QUIET, G_VERBOSE };
        static const struct {
                const char *name;
                char shrt;
                bool arg;
        } table[] = {
                [G_ROOT] = { "root", 'r', true },
                [G_STATE_DIR] = { "state-dir", 0, true },
                [G_PROFILE] = { "profile", 'p', true },
                [G_COLOR] = { "color", 0, true },
                [G_NO_COLOR] = { "no-color", 0, false },
                [G_NO_PAGER] = { "no-pager", 0, false },
                [G_INSECURE] = { "insecure-profile", 0, false },
                [G_QUIET] = { "quiet", 'q', false },
                [G_VERBOSE] = { "verbose", 'v', false },
        };
        const char *a = argv[i], *val = NULL, *ln;
        const char *where = verb ? verb : "";
        const char *sep = verb ? ": " : "";
        int used = 1;
        size_t k;

        if (a[0] != '-' || a[1] == '\0' || streq(a, "--"))
                return 0;
        if (a[1] != '-') {
                /* Short: a cluster of flags ("-qv", "-vv") or "-p NAME"/"-pNAME". */
                if (strspn(a + 1, "qv") == strlen(a + 1)) {
                        for (const char *c = a + 1; *c; c++)
                                if (*c == 'q')
                                        ctx->verbosity = -1;
                                else if (ctx->verbosity >= 0)
                                        ctx->verbosity++;
                        return 1;
                }
                for (k = 0; k < ELEMENTSOF(table); k++)
                        if (table[k].shrt == a[1] && table[k].arg)
                                break;
                if (k == ELEMENTSOF(table))
                        return 0;
                if (a[2])
                        val = a + 2;
                else if (i + 1 < argc) {
                        val = argv[i + 1];
                        used = 2;
                } else {
                        log_error("%s%soption '-%c' requires an argument (try 'vpstune %s%s--help')", where, sep,
                                  a[1], where, verb ? " " : "");
                        return -1;
                }
        } else {
                size_t nl;
                ln = a + 2;
                nl = strcspn(ln, "=");
                for (k = 0; k < ELEMENTSOF(table); k++)
                        if (strlen(table[k].name) == nl && strncmp(table[k].name, ln, nl) == 0)
                                break;
                if (k == ELEMENTSOF(table))
                        return 0;
                if (ln[nl] == '=') {
                        if (!table[k].arg) {
                                log_error("%s%soption '--%s' takes no argument (try 'vpstune %s%s--help')", where, sep,
                                          table[k].name, where, verb ? " " : "");
                                return -1;
                        }
                        val = ln + nl + 1;
                } else if (table[k].arg) {
                        if (i + 1 >= argc) {
                                log_error("%s%soption '--%s' requires an argument (try 'vpstune %s%s--help')", where,
                                          sep, table[k].name, where, verb ? " " : "");
                                return -1;
                        }
                        val = argv[i + 1];
                        used = 2;
                }
        }

        switch (k) {
        case G_ROOT:
                ctx->root = val;
                break;
        case G_STATE_DIR:
                ctx->state_dir = val;
                break;
        case G_PROFILE:
                ctx->profile = val;
                g->profile_given = true;
                break;
        case G_COLOR:
                if (streq(val, "auto"))
                        g->color = COLOR_AUTO;
                else if (streq(val, "always"))
                        g->color = COLOR_ALWAYS;
                else if (streq(val, "never"))
                        g->color = COLOR_NEVER;
                else {
                        log_error("%s%sinvalid --color '%s' (auto, always or never)", where, sep, val);
                        return -1;
                }
                break;
        case G_NO_COLOR:
                g->color = COLOR_NEVER;
                break;
        case G_NO_PAGER:
                ctx->no_pager = true;
                break;
        case G_INSECURE:
                ctx->insecure_profile = true;
                break;
        case G_QUIET:
                ctx->verbosity = -1;
                break;
        case G_VERBOSE:
                if (ctx->verbosity >= 0)
                        ctx->verbosity++;
                break;
        }
        return used;
}

/* Removes the global options from a command's arguments, in place, up to a
 * "--" (which stays, for the command's own getopt). */
static int lift_global_options(int *argc, char **argv, struct cmd_ctx *ctx, struct globals *g) {
        int o = 1, i = 1;

        while (i < *argc) {
                int r;
                if (streq(argv[i], "--")) {
                        while (i < *argc)
                                argv[o++] = argv[i++];
                        break;
                }
                r = global_option(argv, *argc, i, argv[0], ctx, g);
                if (r < 0)
                        return r;
                if (r == 0)
                        argv[o++] = argv[i++];
                else
                        i += r;
        }
        argv[o] = NULL;
        *argc = o;
        return 0;
}

static bool want_color(enum color_mode m) {
        const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

        if (m != COLOR_AUTO)
                return m == COLOR_ALWAYS;
        if (nc && *nc)
                return false;
        if (term && streq(term, "dumb"))
                return false;
        return isatty(STDOUT_FILENO);
}

int main(int argc, char **argv) {
        struct cmd_ctx ctx = { .root = "/" };
        struct globals g = { .color = COLOR_AUTO };
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        _cleanup_free_ char **cargv = NULL;
        const struct command *cmd;
        bool help_cmd = false;
        int i, cargc, c, r;

        /* Global options before the command. */
        for (i = 1; i < argc;) {
                const char *a = argv[i];
                if (streq(a, "--")) {
                        i++;
                        break;
                }
                if (a[0] != '-' || a[1] == '\0')
                        break;
                if (streq(a, "-h") || streq(a, "--help")) {
                        help(stdout);
                        return stdout_close_checked();
                }
                if (streq(a, "-V") || streq(a, "--version")) {
                        printf("vpstune %s\n", VPSTUNE_VERSION);
                        return stdout_close_checked();
                }
                if (streq(a, "--json") || streq(a, "-j")) {
                        g.json = true;
                        i++;
                        continue;
                }
                r = global_option(argv, argc, i, NULL, &ctx, &g);
                if (r < 0)
                        return EXIT_USAGE;
                if (r == 0) {
                        _cleanup_free_ char *name = xstrndup(a, strcspn(a, "="));
                        log_error("unknown option '%s' (try 'vpstune --help')", name);
                        return EXIT_USAGE;
                }
                i += r;
        }

        /* The command's argv: its name first (getopt as usual), a --json
         * given before it handed on, then its own arguments. Bare "vpstune"
         * is the safe, read-only main job (DESIGN.md: plan with the default
         * profile). */
        cargv = xcalloc((size_t) (argc - i) + 3, sizeof(char *));
        cargc = 0;
        cargv[cargc++] = i < argc ? argv[i++] : (char *) "plan";
        if (streq(cargv[0], "help")) {
                /* "vpstune help VERB" is "vpstune VERB --help". */
                help_cmd = true;
                if (i >= argc) {
                        help(stdout);
                        return stdout_close_checked();
                }
                cargv[0] = argv[i++];
        }
        cmd = find_command(cargv[0]);
        if (!cmd) {
                unknown_command(cargv[0]);
                return EXIT_USAGE;
        }
        if (help_cmd) {
                if (i < argc) {
                        log_error("help: unexpected argument '%s'", argv[i]);
                        return EXIT_USAGE;
                }
                cargv[cargc++] = (char *) "--help";
        }
        if (g.json)
                cargv[cargc++] = (char *) "--json";
        while (i < argc)
                cargv[cargc++] = argv[i++];
        cargv[cargc] = NULL;

        if (lift_global_options(&cargc, cargv, &ctx, &g) < 0)
                return EXIT_USAGE;
        if (g.profile_given && !(cmd->flags & TAKES_PROFILE)) {
                log_error("%s: takes no profile, '-p %s' does not apply (try 'vpstune %s --help')", cmd->name,
                          ctx.profile, cmd->name);
                return EXIT_USAGE;
        }

        log_set_level(ctx.verbosity < 0 ? LOG_ERROR : ctx.verbosity == 0 ? LOG_NOTICE : ctx.verbosity == 1 ? LOG_INFO : LOG_DEBUG);
        /* -v: how detection decided (the evidence topics); -vv: every
         * debug topic, as VPSTUNE_DEBUG=all. */
        if (ctx.verbosity == 1)
                log_set_debug_topics("virt,cpu,memory,block,os,facts");
        else if (ctx.verbosity >= 2)
                log_set_debug_topics("all");

        ctx.color = want_color(g.color);
        ctx.progress = isatty(STDERR_FILENO) && ctx.verbosity >= 0;

        if (cmd->flags & NEEDS_SYSROOT) {
                if (!*ctx.root) {
                        log_error("--root '': an empty path names no directory");
                        return EXIT_USAGE;
                }
                r = sysroot_open(ctx.root, &sr);
                if (r < 0) {
                        log_error_errno(r, "cannot open root '%s': %m", ctx.root);
                        return EXIT_USAGE;
                }
                ctx.sr = sr;
        }

        /* Commands get argv[0] = their name, so getopt works as usual. */
        optind = 0;
        r = cmd->fn(&ctx, cargc, cargv);
        c = stdout_close_checked();
        return r != EXIT_OK ? r : c;
}
