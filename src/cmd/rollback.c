/* SPDX-License-Identifier: MIT */
/*
 * vpstune rollback: the undo stack of apply. Without arguments it restores
 * the newest transaction that is not rolled back yet (a finished apply, or
 * one a crash left unfinished); --to ID picks one; --list shows them all;
 * --abandon ID closes one without restoring (its objects are gone).
 * Every restored value is read back and reported as verified or not.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "cmd/common.h"
#include "log.h"
#include "output/apply-render.h"
#include "output/json.h"
#include "util.h"

static void rollback_help(void) {
        printf("Usage: vpstune [--root DIR] [--state-dir DIR] rollback [--list | --to ID | --abandon ID]\n"
               "                     [--force] [--no-wait] [--json]\n"
               "\n"
               "Undoes an apply from its journal: every original value the transaction\n"
               "recorded is put back, newest first, and read back to verify it. Without\n"
               "--to, the newest transaction that is not rolled back yet is undone (also\n"
               "one that a crash or kill left unfinished); run it again to undo the one\n"
               "before. A transaction whose values could not all be restored stays open,\n"
               "so rollback can be retried. A transaction is only rolled back against\n"
               "the root it was applied to (its path and inode are in the journal).\n"
               "A damaged journal is restored as far as it can be read and stays open.\n"
               "\n"
               "  -l, --list       list the transactions: ID, TIME, PROFILE, STATE\n"
               "                   (committed, incomplete, rolled-back), CHANGES\n"
               "  -t, --to ID      roll back this transaction\n"
               "      --abandon ID close this transaction WITHOUT restoring anything (for\n"
               "                   one whose devices or files no longer exist, or whose\n"
               "                   journal is damaged): lists the originals given up and\n"
               "                   records ABANDONED in the journal; apply runs again\n"
               "      --force      allow disruptive restores (swapoff of a zram swap\n"
               "                   that holds pages), and --to ID of a transaction\n"
               "                   whose knobs a newer one changed again\n"
               "      --no-wait    fail at once if another apply or rollback runs\n"
               "  -j, --json       machine-readable output\n"
               "  -h, --help       this help\n"
               "\n"
               "Needs root on the live machine.\n"
               "\n"
               "Exit status: 0 restored and verified, or nothing to roll back; 2 usage\n"
               "error, no such transaction or one of another root; 3 no permission, lock\n"
               "busy with --no-wait, unusable state directory, a damaged journal, or some\n"
               "value could not be restored.\n");
}

enum { OPT_NOWAIT = 256, OPT_FORCE, OPT_ABANDON };

static int list_transactions(struct cmd_ctx *ctx, const char *state_dir, bool json) {
        struct journal_tx *a = NULL;
        size_t n = 0;
        int fd = -1, r;

        r = cmd_state_in_root(ctx) ? journal_state_open_in_root(ctx->sr, false, &fd)
                                   : journal_state_open(state_dir, false, &fd);
        if (r < 0 && r != -ENOENT) {
                log_error_errno(r, "rollback: cannot open the state directory '%s': %m", state_dir);
                return EXIT_UNKNOWN;
        }
        if (fd >= 0) {
                r = journal_list(fd, &a, &n);
                close(fd);
                if (r < 0) {
                        log_error_errno(r, "rollback: cannot list the journal in '%s': %m", state_dir);
                        return EXIT_UNKNOWN;
                }
        }
        if (json) {
                r = json_print_consume(rollback_list_to_json(a, n), stdout, 1);
        } else if (n == 0) {
                printf("no transactions in %s\n", state_dir);
                r = 0;
        } else
                r = rollback_print_list(a, n, stdout, ctx->color);
        journal_tx_array_free(a, n);
        return r < 0 ? EXIT_UNKNOWN : EXIT_OK;
}

/* Rolling back an older transaction while a newer one that changed the
 * same knob is still in effect would put back a value the newer one had
 * already replaced (and its own rollback would then restore the wrong
 * "original"). 1 and the first such transaction and knob, 0 if none. */
static int newer_overlap(int dir_fd, const char *id, char **ret_newer, char **ret_knob) {
        struct journal_tx *all = NULL, target = {};
        size_t n = 0;
        int found = 0;

        if (journal_list(dir_fd, &all, &n) < 0)
                return 0;
        if (journal_load(dir_fd, id, &target) < 0) {
                journal_tx_array_free(all, n);
                return 0;
        }
        for (size_t i = 0; i < n && !found; i++) {
                struct journal_tx newer = {};
                if (all[i].state == JOURNAL_ROLLED_BACK || all[i].state == JOURNAL_ABANDONED ||
                    journal_id_compare(all[i].id, id) <= 0)
                        continue;
                if (journal_load(dir_fd, all[i].id, &newer) < 0)
                        continue;
                for (size_t a = 0; a < newer.n_records && !found; a++) {
                        if (newer.records[a].type != JREC_ORIG)
                                continue;
                        for (size_t b = 0; b < target.n_records; b++)
                                if (target.records[b].type == JREC_ORIG &&
                                    streq(target.records[b].knob_id, newer.records[a].knob_id)) {
                                        *ret_newer = xstrdup(newer.id);
                                        *ret_knob = xstrdup(newer.records[a].knob_id);
                                        found = 1;
                                        break;
                                }
                }
                journal_tx_done(&newer);
        }
        journal_tx_done(&target);
        journal_tx_array_free(all, n);
        return found;
}

static int abandon_transaction(struct cmd_ctx *ctx, int dir_fd, int lock_fd, const char *state_dir, const char *id) {
        struct apply_ctx actx = APPLY_CTX_INIT;
        struct rollback_result rb = {};
        int r, code = EXIT_OK;

        (void) dir_fd;
        actx.sr = ctx->sr;
        actx.state_dir = state_dir;
        actx.state_in_root = cmd_state_in_root(ctx);
        actx.lock_fd = lock_fd;
        r = abandon_tx(&actx, id, &rb);
        if (r == -ENOENT) {
                log_error("rollback: no transaction '%s' in %s", id, state_dir);
                code = EXIT_USAGE;
        } else if (r == -EALREADY) {
                printf("transaction %s is closed already (%s); nothing to do\n", id, "rolled back or abandoned");
        } else if (r < 0) {
                log_error_errno(r, "rollback: cannot abandon transaction %s: %m", id);
                code = EXIT_UNKNOWN;
        } else {
                for (size_t i = 0; i < rb.n_items; i++)
                        log_warning("rollback: abandoned %s: original %s will not be restored", rb.items[i].knob_id,
                                    rb.items[i].value ? (strlen(rb.items[i].value) > 60 || strchr(rb.items[i].value, '\n')
                                                                 ? "(file contents)"
                                                                 : rb.items[i].value)
                                                      : "(absent)");
                printf("abandoned transaction %s: %zu original%s not restored; recorded in %s\n", id, rb.n_items,
                       rb.n_items == 1 ? "" : "s", state_dir);
        }
        rollback_result_done(&rb);
        apply_ctx_done(&actx);
        return code;
}

CMD(rollback) {
        static const struct option opts[] = {
                { "list", no_argument, NULL, 'l' },
                { "to", required_argument, NULL, 't' },
                { "abandon", required_argument, NULL, OPT_ABANDON },
                { "force", no_argument, NULL, OPT_FORCE },
                { "no-wait", no_argument, NULL, OPT_NOWAIT },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_free_ char *state_dir = NULL;
        struct apply_ctx actx = APPLY_CTX_INIT;
        struct rollback_result rb = {};
        const char *to = NULL, *abandon = NULL;
        bool list = false, json = false, no_wait = false, force = false;
        int c, r, dir_fd = -1, lock_fd = -1, code;

        while ((c = cmd_getopt(argc, argv, "lt:jh", opts)) != -1)
                switch (c) {
                case 'l':
                        list = true;
                        break;
                case 't':
                        to = optarg;
                        break;
                case OPT_ABANDON:
                        abandon = optarg;
                        break;
                case OPT_FORCE:
                        force = true;
                        break;
                case OPT_NOWAIT:
                        no_wait = true;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'h':
                        rollback_help();
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("rollback: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        if (!!list + !!to + !!abandon > 1) {
                log_error("rollback: --list, --to and --abandon exclude each other");
                return EXIT_USAGE;
        }
        if (abandon)
                to = abandon;
        if (to && !journal_id_is_valid(to)) {
                log_error("rollback: '%s' is not a transaction ID (see 'vpstune rollback --list')", to);
                return EXIT_USAGE;
        }
        state_dir = ctx->state_dir ? xstrdup(ctx->state_dir) : journal_default_state_dir(ctx->root);
        if (list)
                return list_transactions(ctx, state_dir, json);

        if (sysroot_is_live(ctx->sr) && geteuid() != 0) {
                log_error("rollback: needs root; nothing changed");
                return EXIT_UNKNOWN;
        }
        r = cmd_state_in_root(ctx) ? journal_state_open_in_root(ctx->sr, false, &dir_fd)
                                   : journal_state_open(state_dir, false, &dir_fd);
        if (r == -ENOENT) {
                if (to) {
                        log_error("rollback: no transaction '%s' in %s", to, state_dir);
                        return EXIT_USAGE;
                }
                printf("nothing to roll back (no journal in %s)\n", state_dir);
                return EXIT_OK;
        }
        if (r < 0) {
                log_error_errno(r, "rollback: state directory '%s' is unusable: %m", state_dir);
                return EXIT_UNKNOWN;
        }
        if (cmd_lock_state(dir_fd, state_dir, no_wait, &lock_fd, "rollback") != EXIT_OK) {
                close(dir_fd);
                return EXIT_UNKNOWN;
        }

        if (abandon) {
                code = abandon_transaction(ctx, dir_fd, lock_fd, state_dir, abandon);
                journal_unlock(lock_fd);
                close(dir_fd);
                return code;
        }
        if (to && !force) {
                _cleanup_free_ char *newer = NULL, *knob = NULL;
                if (newer_overlap(dir_fd, to, &newer, &knob) > 0) {
                        log_error("rollback: transaction %s, newer and not rolled back, also changed %s: roll it "
                                  "back first (or use --force to put back %s's originals anyway); nothing changed",
                                  newer, knob, to);
                        journal_unlock(lock_fd);
                        close(dir_fd);
                        return EXIT_USAGE;
                }
        }

        actx.sr = ctx->sr;
        actx.state_dir = state_dir;
        actx.state_in_root = cmd_state_in_root(ctx);
        actx.force = force;
        actx.lock_fd = lock_fd;
        r = rollback_tx(&actx, to, &rb);
        switch (r) {
        case 0:
        case -EIO:
                if (json) {
                        (void) json_print_consume(rollback_to_json(&rb, r == 0), stdout, 1);
                } else {
                        (void) rollback_print_table(&rb, stdout, ctx->color);
                        if (r == 0)
                                printf("\nrolled back transaction %s: %zu value%s restored and verified\n", rb.tx_id,
                                       rb.n_items, rb.n_items == 1 ? "" : "s");
                }
                if (rb.damaged)
                        log_warning("rollback: the journal of %s had damaged lines; they were ignored", strna(rb.tx_id));
                if (r == -EIO)
                        log_error("rollback: some values of transaction %s could not be restored (see above); the "
                                  "transaction stays open and 'vpstune rollback' can be retried", strna(rb.tx_id));
                code = r == 0 ? EXIT_OK : EXIT_UNKNOWN;
                break;
        case -ENOENT:
                if (to) {
                        log_error("rollback: no transaction '%s' in %s", to, state_dir);
                        code = EXIT_USAGE;
                } else {
                        printf("nothing to roll back: every transaction in %s is rolled back already\n", state_dir);
                        code = EXIT_OK;
                }
                break;
        case -EALREADY:
                printf("transaction %s is rolled back already; nothing to do\n", to);
                code = EXIT_OK;
                break;
        case -EBADMSG:
                if (json) {
                        (void) json_print_consume(rollback_to_json(&rb, false), stdout, 1);
                } else
                        (void) rollback_print_table(&rb, stdout, ctx->color);
                log_error("rollback: the journal of %s is damaged (%s): restored the %zu value%s it records, but "
                          "it stays open; check the machine, then 'vpstune rollback --abandon %s' closes it",
                          strna(rb.tx_id), strna(rb.damage), rb.n_items, rb.n_items == 1 ? "" : "s", strna(rb.tx_id));
                code = EXIT_UNKNOWN;
                break;
        case -EXDEV:
                log_error("rollback: transaction %s belongs to the root '%s', not '%s' (another directory, or the "
                          "same path holding another tree): refused; nothing changed",
                          strna(rb.tx_id), strna(rb.other_root), ctx->root ? ctx->root : "/");
                code = EXIT_USAGE;
                break;
        default:
                log_error_errno(r, "rollback: %m");
                code = r == -EINVAL ? EXIT_USAGE : EXIT_UNKNOWN;
        }
        rollback_result_done(&rb);
        apply_ctx_done(&actx);
        journal_unlock(lock_fd);
        close(dir_fd);
        return code;
}
