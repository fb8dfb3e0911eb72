/* SPDX-License-Identifier: MIT */
#include "cmd/common.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apply/journal.h"
#include "log.h"
#include "output/atomic.h"
#include "util.h"

int cmd_load(struct cmd_ctx *ctx, const char *profile_name, bool want_plan, struct loaded *ret) {
        _cleanup_free_ char *err = NULL;
        struct loaded l = {};
        int r;

        if (!profile_name)
                profile_name = ctx->profile ? ctx->profile : DEFAULT_PROFILE;

        r = facts_gather_some(ctx->sr, ctx->facts_scope, &l.facts);
        if (r < 0) {
                log_error_errno(r, "cannot gather facts from '%s': %m", ctx->root);
                return exit_code_from_errno(r);
        }
        {
                /* sshd StrictModes: as root, a profile a user could have
                 * written is a way to root; refuse unless told otherwise. */
                struct profile_env env = { .facts = l.facts, .sr = ctx->sr,
                                           .check_owner = geteuid() == 0 && !ctx->insecure_profile };
                r = profile_load(profile_name, &env, &l.profile, &err);
        }
        if (r < 0) {
                if (err)
                        log_error("%s", err);
                else
                        log_error_errno(r, "cannot load profile '%s': %m", profile_name);
                loaded_done(&l);
                /* A profile refused for its owner or mode is bad input (2), like a
                 * malformed one; one we could not read at all is 3. */
                return r == -EACCES ? EXIT_UNKNOWN : EXIT_USAGE;
        }
        if (want_plan) {
                r = plan_build(ctx->sr, l.facts, l.profile, &l.plan, &err);
                if (r < 0) {
                        if (err)
                                log_error("%s", err);
                        else
                                log_error_errno(r, "cannot plan profile '%s': %m", profile_name);
                        loaded_done(&l);
                        return EXIT_USAGE;
                }
        }
        *ret = l;
        return EXIT_OK;
}

void loaded_done(struct loaded *l) {
        plan_free(l->plan);
        profile_free(l->profile);
        facts_free(l->facts);
        *l = (struct loaded) {};
}

/* The long option argv[optind - 1] names, if it is one ("--format=x" → "--format"). */
static char *long_option_name(char **argv, int idx) {
        if (idx < 1 || !argv[idx] || !startswith(argv[idx], "--"))
                return NULL;
        return xstrndup(argv[idx], strcspn(argv[idx], "="));
}

int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts) {
        _cleanup_free_ char *so = xasprintf(":%s", shortopts), *name = NULL;
        const char *verb = argv[0];
        int c;

        opterr = 0;
        c = getopt_long(argc, argv, so, longopts, NULL);
        if (c != '?' && c != ':')
                return c;

        name = long_option_name(argv, optind - 1);
        if (optopt && name) {
                /* Is the error about that long option, or a short one in a
                 * cluster after it? */
                bool match = false;
                for (const struct option *o = longopts; o && o->name; o++)
                        if (o->val == optopt && streq(o->name, name + 2))
                                match = true;
                if (!match)
                        name = (free(name), NULL);
        }
        if (!name && optopt)
                name = xasprintf("-%c", optopt);
        if (!name)
                name = xstrdup("?");

        if (c == ':')
                log_error("%s: option '%s' requires an argument (try 'vpstune %s --help')", verb, name, verb);
        else if (optopt && startswith(name, "--") && strchr(argv[optind - 1], '='))
                log_error("%s: option '%s' takes no argument (try 'vpstune %s --help')", verb, name, verb);
        else
                log_error("%s: unknown option '%s' (try 'vpstune %s --help')", verb, name, verb);
        return '?';
}

void cmd_parse_list(const char *arg, char ***l) {
        _cleanup_strv_ char **parts = strv_split(arg, ",");
        for (char **p = parts; *p; p++)
                strv_push(l, strstrip(*p));
}

int cmd_lock_state(int dir_fd, const char *state_dir, bool no_wait, int *ret_lock_fd, const char *verb) {
        int lfd = -1, r;

        r = journal_lock(dir_fd, false, &lfd);
        if (r == -EWOULDBLOCK && !no_wait) {
                fprintf(stderr, "vpstune: waiting for another apply or rollback to finish (lock held on %s)...\n",
                        state_dir);
                fflush(stderr);
                r = journal_lock(dir_fd, true, &lfd);
        }
        if (r < 0) {
                if (r == -EWOULDBLOCK)
                        log_error("%s: another apply or rollback is running (lock held on %s)", verb, state_dir);
                else
                        log_error_errno(r, "%s: cannot lock '%s': %m", verb, state_dir);
                return EXIT_UNKNOWN;
        }
        *ret_lock_fd = lfd;
        return EXIT_OK;
}

FILE *cmd_output_open(struct cmd_output *o, const char *path) {
        *o = (struct cmd_output) { .path = path };
        if (!path)
                return o->f = stdout;
        o->f = open_memstream(&o->buf, &o->len);
        if (!o->f)
                abort();
        return o->f;
}

int cmd_output_close(struct cmd_output *o, const char *verb) {
        _cleanup_free_ char *why = NULL, *buf = NULL;
        const char *path = o->path;
        size_t len;
        int r;

        if (!path)
                return EXIT_OK; /* stdout: checked by main at exit */
        r = fclose(o->f);
        buf = o->buf;
        len = o->len;
        *o = (struct cmd_output) {};
        if (r != 0) {
                log_error_errno(ENOMEM, "%s: cannot buffer output: %m", verb);
                return EXIT_UNKNOWN;
        }
        r = output_write_file(path, buf, len, &why);
        if (r >= 0)
                return EXIT_OK;
        if (why)
                log_error("%s: cannot write '%s': %s", verb, path, why);
        else
                log_error_errno(r, "%s: cannot write '%s': %m", verb, path);
        /* Refused for what the path is: bad input. Failed to write: 3. */
        return why || r == -EISDIR || r == -ENOENT || r == -ENOTDIR ? EXIT_USAGE : EXIT_UNKNOWN;
}
