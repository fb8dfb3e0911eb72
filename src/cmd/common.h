/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the verbs that take a profile (plan, verify, apply,
 * generate): facts → profile → plan, with errors logged once, here.
 */
#pragma once

#include "cmd/cmd.h"
#include "facts/facts.h"
#include "plan/plan.h"
#include "profile/profile.h"

#define DEFAULT_PROFILE "vps-dev"

struct loaded {
        struct facts *facts;
        struct profile *profile;
        struct plan *plan;
};

/* Returns EXIT_OK or the exit code to return, having logged the error. */
int cmd_load(struct cmd_ctx *ctx, const char *profile_name, bool want_plan, struct loaded *ret);
void loaded_done(struct loaded *l);

/* Takes the state lock on an opened state directory, saying once on stderr
 * that it waits (unless no_wait: then it fails at once). Returns EXIT_OK or
 * EXIT_UNKNOWN, having logged why ("VERB: ..."). */
/* The state dir is the --root's own "<root>/var/lib/vpstune": opened
 * through the sysroot, never by path (a symlinked <root>/var). */
static inline bool cmd_state_in_root(const struct cmd_ctx *ctx) {
        return !ctx->state_dir && !sysroot_is_live(ctx->sr);
}
int cmd_lock_state(int dir_fd, const char *state_dir, bool no_wait, int *ret_lock_fd, const char *verb);

/* Comma-separated list option ("--only sysctl,block") appended to *l. */
void cmd_parse_list(const char *arg, char ***l);

/* -o FILE of a verb (output/atomic.h has the rules). cmd_output_open()
 * returns where to print: stdout when path is NULL, else a memory buffer
 * that cmd_output_close() writes to path. Returns EXIT_OK, or the exit code
 * having logged "VERB: cannot write 'FILE': why" (2 for a refused target,
 * 3 for a failed write). */
struct cmd_output {
        const char *path;
        char *buf;
        size_t len;
        FILE *f;
};
FILE *cmd_output_open(struct cmd_output *o, const char *path);
int cmd_output_close(struct cmd_output *o, const char *verb);
