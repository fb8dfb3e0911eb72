/* SPDX-License-Identifier: MIT */
/*
 * vpstune apply: makes the plan true, as one journaled transaction.
 *
 * Everything that can refuse does so before anything is touched: options,
 * root, the state lock, the profile (cmd_load: syntax, owner), --only and
 * --skip, knob IDs and values, risky sysctls, and a storage-driver change
 * that would strand podman's images. Then apply_items() (src/apply) does
 * the journaled writes; this file only chooses the items and reports.
 *
 * In a sysroot that is not the live machine (--root DIR), only the config
 * files (storage.conf, nix.conf) can change: kernel state exists only on a
 * running machine, so those items are reported as skipped with a note and
 * do not make the run fail (a sysadmin preparing an image wants the files
 * written and a clear word about the rest).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/store.h"
#include "apply/zram-merge.h"
#include "cmd/common.h"
#include "knobs/knob.h"
#include "log.h"
#include "output/apply-describe.h"
#include "output/apply-render.h"
#include "output/json.h"
#include "util.h"

static void apply_help(void) {
        printf("Usage: vpstune [--root DIR] [--state-dir DIR] apply [-p PROFILE] [--dry-run]\n"
               "                  [--only GROUP,...] [--skip GROUP,...] [--force] [--allow-risky]\n"
               "                  [--keep-partial] [--no-wait] [--json]\n"
               "\n"
               "Makes the plan of the profile true on this machine: every item that\n"
               "'vpstune plan' shows as drift and that can change now (sysctls, I/O\n"
               "scheduler, read-ahead, nomerges, btrfs options by remount, the btrfs\n"
               "read-ahead, no-COW and compression of directories, zram swap, and the\n"
               "storage.conf and nix.conf settings that podman and the Nix daemon read\n"
               "at their next start). Each original value is journaled durably before\n"
               "it changes; every write is read back. If one item fails, the whole\n"
               "transaction is rolled back. 'vpstune rollback' undoes a finished one.\n"
               "\n"
               "  -p, --profile NAME|PATH  profile (default " DEFAULT_PROFILE ")\n"
               "  -n, --dry-run            print every write it would make; change nothing\n"
               "      --only GROUP,...     only these knob groups (Knob groups, below)\n"
               "      --skip GROUP,...     everything but these groups\n"
               "      --force              allow disruptive changes: a zram swap that holds\n"
               "                           pages is swapped off; the podman storage driver is\n"
               "                           changed although the store holds images (then\n"
               "                           'podman system reset' is needed: data loss)\n"
               "      --allow-risky        allow sysctls that can run code or weaken the\n"
               "                           kernel (kernel.core_pattern, kernel.modprobe, ...)\n"
               "                           and sysfs outside the tuning areas\n"
               "      --keep-partial       on failure keep the items that worked (the\n"
               "                           transaction stays in the journal for rollback)\n"
               "      --no-wait            fail at once if another apply or rollback runs\n"
               "  -j, --json               results as JSON\n"
               "  -h, --help               this help\n"
               "\n"
               "Needs root on the live machine. With --root DIR only the configuration\n"
               "files are written; kernel settings are reported as skipped.\n"
               "\n"
               "Exit status: 0 applied, or nothing to change; 1 an item failed (rolled\n"
               "back unless --keep-partial); 2 usage or profile error, or refused before\n"
               "anything was touched (risky items, a store that needs --force, an\n"
               "unfinished transaction); 3 no permission, lock busy with --no-wait, state\n"
               "directory unusable, an item that cannot be read, an unfinished transaction\n"
               "with a damaged journal, or the automatic rollback could not restore\n"
               "everything.\n");
        _cleanup_free_ char *groups = knob_groups_joined(", ");
        printf("\nKnob groups: %s.\n", groups);
}

enum { OPT_ONLY = 256, OPT_SKIP, OPT_FORCE, OPT_RISKY, OPT_KEEP, OPT_NOWAIT };

struct apply_opts {
        const char *profile;
        char **only, **skip;
        bool dry_run, force, allow_risky, keep_partial, no_wait, json;
};

/* Kinds that are plain file edits and so work in a sysroot too. */
static bool is_config_group(const char *group) {
        const struct knob_kind *k = knob_kind_by_group(group);
        return k && k->config_file;
}

/* ---- the verb ---- */

static int parse_opts(int argc, char **argv, struct apply_opts *o, bool *ret_help) {
        static const struct option opts[] = {
                { "profile", required_argument, NULL, 'p' },
                { "dry-run", no_argument, NULL, 'n' },
                { "only", required_argument, NULL, OPT_ONLY },
                { "skip", required_argument, NULL, OPT_SKIP },
                { "force", no_argument, NULL, OPT_FORCE },
                { "allow-risky", no_argument, NULL, OPT_RISKY },
                { "keep-partial", no_argument, NULL, OPT_KEEP },
                { "no-wait", no_argument, NULL, OPT_NOWAIT },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c;

        while ((c = cmd_getopt(argc, argv, "p:njh", opts)) != -1)
                switch (c) {
                case 'p':
                        o->profile = optarg;
                        break;
                case 'n':
                        o->dry_run = true;
                        break;
                case OPT_ONLY:
                        cmd_parse_list(optarg, &o->only);
                        break;
                case OPT_SKIP:
                        cmd_parse_list(optarg, &o->skip);
                        break;
                case OPT_FORCE:
                        o->force = true;
                        break;
                case OPT_RISKY:
                        o->allow_risky = true;
                        break;
                case OPT_KEEP:
                        o->keep_partial = true;
                        break;
                case OPT_NOWAIT:
                        o->no_wait = true;
                        break;
                case 'j':
                        o->json = true;
                        break;
                case 'h':
                        *ret_help = true;
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("apply: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        if (o->only && !*o->only) {
                log_error("apply: --only needs at least one group");
                return EXIT_USAGE;
        }
        return EXIT_OK;
}

/* Refusals that must come before anything is touched. */
static int check_items(struct sysroot *sr, const struct apply_opts *o, const struct plan_item *const *v, size_t n) {
        _cleanup_strv_ char **risky = NULL;

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *norm = NULL;
                int r = knob_validate(v[i]->knob);
                if (r == 0)
                        r = knob_normalize(v[i]->knob, v[i]->target, &norm);
                if (r < 0) {
                        log_error("apply: %s: invalid target '%s' (%s); nothing changed", v[i]->knob,
                                  strna(v[i]->target), v[i]->origin ? v[i]->origin : "from the profile");
                        return EXIT_USAGE;
                }
                if (!o->allow_risky && knob_is_risky_at(sr, v[i]->knob))
                        strv_push(&risky, v[i]->knob);
        }
        if (risky) {
                _cleanup_free_ char *l = strv_join(risky, ", ");
                log_error("apply: refused: %s can run code or weaken the kernel; rerun with --allow-risky if you mean "
                          "it (nothing changed)", l);
                return EXIT_USAGE;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *graphroot = NULL, *found = NULL;
                if (!streq(v[i]->knob, "containers:driver"))
                        continue;
                if (containers_store_has_data(sr, &graphroot, &found) <= 0)
                        continue;
                if (o->force) {
                        log_warning("apply: containers:driver: the store %s holds data (%s): run 'podman system reset' "
                                    "before podman uses the new driver (removes every image and container)",
                                    graphroot, found);
                        continue;
                }
                log_error("apply: containers:driver: changing the storage driver from '%s' to '%s' requires 'podman "
                          "system reset', which removes every image and container in %s (found %s); rerun with "
                          "--force to write storage.conf anyway, or --skip containers (nothing changed)",
                          strna(v[i]->current), strna(v[i]->target), graphroot, found);
                return EXIT_USAGE;
        }
        return EXIT_OK;
}

static int report(struct cmd_ctx *ctx, const struct apply_opts *o, const struct loaded *l,
                  const struct apply_report *rep, const char *const *targets, size_t n_skipped_root,
                  size_t n_drift_other) {
        size_t changed = 0, failed = 0, planned = 0;

        for (size_t i = 0; i < rep->n; i++) {
                changed += rep->results[i].status == APPLY_CHANGED;
                failed += rep->results[i].status == APPLY_FAILED;
                planned += rep->results[i].status == APPLY_PLANNED;
        }
        if (o->json)
                return json_print_consume(apply_to_json(rep), stdout, 1);
        if (o->dry_run) {
                for (size_t i = 0; i < rep->n; i++)
                        if (rep->results[i].status == APPLY_PLANNED) {
                                _cleanup_free_ char *d = apply_describe_write(
                                        ctx->root, sysroot_is_live(ctx->sr), l->facts, rep->knobs[i], targets[i],
                                        &rep->results[i]);
                                printf("%s\n", string_sanitize(d));
                        }
        } else
                apply_print_table(rep, stdout, ctx->color);
        if (failed > 0)
                return 0; /* the verb says what happened, on stderr */
        if (rep->n > 0 && !o->dry_run)
                printf("\n");
        if (o->dry_run) {
                if (planned == 0)
                        printf("nothing to change: every item is already in effect\n");
                else
                        printf("dry run: %zu write%s, nothing changed\n", planned, planned == 1 ? "" : "s");
        } else if (changed > 0)
                printf("applied %zu change%s as transaction %s; undo with: vpstune rollback\n", changed,
                       changed == 1 ? "" : "s", rep->tx_id);
        else if (n_skipped_root == 0 && n_drift_other == 0)
                printf("nothing to change: every item is already in effect\n");
        else if (n_skipped_root > 0)
                printf("nothing to change in the configuration files\n");
        else
                printf("nothing to change at runtime\n");
        if (n_skipped_root > 0)
                printf("%zu kernel setting%s not applied: %s is not the running machine; 'vpstune generate' writes "
                       "their persistent form\n", n_skipped_root, n_skipped_root == 1 ? "" : "s", ctx->root);
        if (n_drift_other > 0)
                printf("%zu drift item%s take%s effect only through persistent configuration or a remount: see "
                       "'vpstune plan' and 'vpstune generate'\n", n_drift_other, n_drift_other == 1 ? "" : "s",
                       n_drift_other == 1 ? "s" : "");
        return 0;
}

CMD(apply) {
        struct apply_opts o = {};
        struct loaded l = {};
        struct apply_ctx actx = APPLY_CTX_INIT;
        _cleanup_free_ char *state_dir = NULL, *bad = NULL;
        _cleanup_free_ const struct plan_item **todo = NULL;
        _cleanup_free_ const char **knobs = NULL;
        _cleanup_free_ struct apply_change *changes = NULL;
        _cleanup_free_ const char **targets = NULL;
        struct apply_result *results = NULL;
        char **notes = NULL;
        _cleanup_strv_ char **owned = NULL; /* composed zram knobs and states */
        size_t n = 0, n_skipped_root = 0, n_drift_other = 0, n_write = 0;
        bool help = false, live = sysroot_is_live(ctx->sr);
        int dir_fd = -1, lock_fd = -1, code, r;

        code = parse_opts(argc, argv, &o, &help);
        if (help) {
                apply_help();
                goto out;
        }
        if (code != EXIT_OK)
                goto out;
        if (live && !o.dry_run && geteuid() != 0) {
                log_error("apply: needs root (try --dry-run to see what it would write); nothing changed");
                code = EXIT_UNKNOWN;
                goto out;
        }
        state_dir = ctx->state_dir ? xstrdup(ctx->state_dir) : journal_default_state_dir(ctx->root);
        /* The lock first: the plan must not be read while another apply
         * is changing what it reads. */
        if (!o.dry_run) {
                r = cmd_state_in_root(ctx) ? journal_state_open_in_root(ctx->sr, true, &dir_fd)
                                           : journal_state_open(state_dir, true, &dir_fd);
                if (r < 0) {
                        log_error_errno(r, "apply: state directory '%s' is unusable: %m", state_dir);
                        code = EXIT_UNKNOWN;
                } else
                        code = cmd_lock_state(dir_fd, state_dir, o.no_wait, &lock_fd, "apply");
                if (code != EXIT_OK)
                        goto out;
        }
        ctx->facts_scope = FACTS_NO_IDS; /* compares values, names no UUIDs */
        code = cmd_load(ctx, o.profile, true, &l);
        if (code != EXIT_OK)
                goto out;
        if (plan_filter(l.plan, o.only, o.skip, &bad) < 0) {
                _cleanup_free_ char *groups = knob_groups_joined(", ");
                log_error("apply: unknown group '%s' (%s)", bad, groups);
                code = EXIT_USAGE;
                goto out;
        }

        /* An item apply would write but cannot read (verify says UNKNOWN)
         * is refused, not skipped: "nothing to change" would be a lie, and
         * an original that cannot be read cannot be journaled either. */
        {
                _cleanup_strv_ char **unread = NULL;
                for (size_t i = 0; i < l.plan->n_items; i++) {
                        const struct plan_item *it = &l.plan->items[i];
                        bool would = live ? it->runtime || is_config_group(it->group) : is_config_group(it->group);
                        if (it->status == ITEM_ERROR && would && knob_validate(it->knob) == 0)
                                strv_push(&unread, it->knob);
                }
                if (unread) {
                        _cleanup_free_ char *list = strv_join(unread, ", ");
                        log_error("apply: cannot read the current value of %s (see 'vpstune verify'): refusing to "
                                  "change what cannot be compared or journaled; fix that or --skip it (nothing "
                                  "changed)", list);
                        code = EXIT_UNKNOWN;
                        goto out;
                }
        }

        /* What to do: drift items apply can write; in a sysroot only the
         * config files, the kernel items listed as skipped. */
        todo = xcalloc(l.plan->n_items + 1, sizeof *todo);
        for (size_t i = 0; i < l.plan->n_items; i++) {
                const struct plan_item *it = &l.plan->items[i];
                if (it->status != ITEM_DRIFT)
                        continue;
                if (!it->writable) {
                        n_drift_other++;
                        continue;
                }
                todo[n++] = it;
        }
        apply_order_zram(todo, n);
        knobs = xcalloc(n + 1, sizeof *knobs);
        targets = xcalloc(n + 1, sizeof *targets);
        changes = xcalloc(n + 1, sizeof *changes);
        results = xcalloc(n + 1, sizeof *results);
        notes = xcalloc(n + 1, sizeof *notes);
        {
                /* Writable items first (in plan order), then the skipped. */
                const struct plan_item **w = xcalloc(n + 1, sizeof *w);
                size_t k = 0;
                for (size_t i = 0; i < n; i++)
                        if (live || is_config_group(todo[i]->group))
                                w[k++] = todo[i];
                n_write = k;
                for (size_t i = 0; i < n; i++)
                        if (!(live || is_config_group(todo[i]->group)))
                                w[k++] = todo[i];
                memcpy(todo, w, n * sizeof *w);
                free(w);
        }
        for (size_t i = 0; i < n; i++) {
                knobs[i] = todo[i]->knob;
                targets[i] = todo[i]->target;
                changes[i] = (struct apply_change) { todo[i]->knob, todo[i]->target };
                if (i >= n_write) {
                        results[i].status = APPLY_SKIPPED;
                        results[i].old_value = xstrdup(todo[i]->current);
                        notes[i] = xasprintf("not applied: a kernel setting, and %s is not the running machine",
                                             ctx->root);
                        n_skipped_root++;
                }
        }
        code = check_items(ctx->sr, &o, todo, n_write);
        if (code != EXIT_OK)
                goto out;

        /* Items of one zram device (adjacent after apply_order_zram) become one
         * state write; the skipped entries after n_write move up with it. */
        if (live) {
                size_t w = 0;
                for (size_t i = 0; i < n_write;) {
                        size_t j = i + 1;
                        char *sk = NULL, *st = NULL;
                        while (j < n_write && apply_same_zram_dev(todo[i]->knob, todo[j]->knob))
                                j++;
                        if (j - i > 1 && (st = apply_zram_compose(ctx->sr, todo + i, j - i, &sk))) {
                                strv_consume(&owned, sk);
                                strv_consume(&owned, st);
                                knobs[w] = sk;
                                targets[w] = st;
                                changes[w] = (struct apply_change) { sk, st };
                                w++;
                        } else
                                for (size_t k = i; k < j; k++, w++) {
                                        knobs[w] = knobs[k];
                                        targets[w] = targets[k];
                                        changes[w] = changes[k];
                                }
                        i = j;
                }
                for (size_t k = n_write; k < n; k++) {
                        knobs[w + k - n_write] = knobs[k];
                        targets[w + k - n_write] = targets[k];
                        changes[w + k - n_write] = changes[k];
                        results[w + k - n_write] = results[k];
                        notes[w + k - n_write] = notes[k];
                        if (w + k - n_write != k) {
                                results[k] = (struct apply_result) {};
                                notes[k] = NULL;
                        }
                }
                n -= n_write - w;
                n_write = w;
        }

        actx.sr = ctx->sr;
        actx.state_dir = state_dir;
        actx.state_in_root = cmd_state_in_root(ctx);
        actx.profile = l.plan->profile;
        actx.dry_run = o.dry_run;
        actx.keep_partial = o.keep_partial;
        actx.allow_risky = o.allow_risky;
        actx.force = o.force;
        actx.wait_lock = !o.no_wait;
        actx.lock_fd = lock_fd;
        /* Even with nothing to write: apply_items checks for an
         * unfinished transaction. */
        r = apply_items(&actx, changes, n_write, results);
        if (r == -EUCLEAN) {
                log_error("apply: transaction %s in %s is unfinished (interrupted apply): run 'vpstune rollback' "
                          "to restore it, then apply again; nothing changed", strna(actx.blocked_by), state_dir);
                code = EXIT_USAGE;
                goto out;
        }
        if (r == -EBADMSG) {
                log_error("apply: transaction %s in %s is damaged (%s): 'vpstune rollback' restores what it can "
                          "read; after checking, 'vpstune rollback --abandon %s' closes it; nothing changed",
                          strna(actx.blocked_by), state_dir, strna(actx.blocked_why), strna(actx.blocked_by));
                code = EXIT_UNKNOWN;
                goto out;
        }
        if (r == -EWOULDBLOCK) {
                log_error("apply: another apply or rollback is running (lock held on %s)", state_dir);
                code = EXIT_UNKNOWN;
                goto out;
        }
        {
                struct apply_report rep = { .n = n, .knobs = knobs, .results = results, .notes = notes,
                                            .tx_id = actx.tx_id, .dry_run = o.dry_run };
                bool failed = false;

                (void) report(ctx, &o, &l, &rep, targets, n_skipped_root, n_drift_other);
                for (size_t i = 0; i < n_write; i++)
                        if (results[i].status == APPLY_FAILED) {
                                failed = true;
                                log_error("apply: %s: %s", knobs[i], strna(results[i].message));
                        }
                if (r == -EIO) {
                        log_error("apply: the automatic rollback of transaction %s could not restore everything: "
                                  "it stays open; run 'vpstune rollback' to retry", strna(actx.tx_id));
                        code = EXIT_UNKNOWN;
                } else if (failed) {
                        if (actx.rolled_back)
                                log_error("apply: rolled back; nothing changed");
                        else if (actx.tx_id)
                                log_error("apply: kept the changes that worked (--keep-partial) as transaction %s; "
                                          "undo with: vpstune rollback", actx.tx_id);
                        else
                                log_error("apply: nothing changed");
                        code = EXIT_FINDINGS;
                } else if (r < 0) {
                        log_error_errno(r, "apply: %m");
                        code = r == -EINVAL || r == -EPERM ? EXIT_USAGE : EXIT_UNKNOWN;
                } else
                        code = EXIT_OK;
        }
out:
        if (lock_fd >= 0)
                journal_unlock(lock_fd);
        if (dir_fd >= 0)
                close(dir_fd);
        apply_results_free(results, n);
        for (size_t i = 0; notes && i < n; i++)
                free(notes[i]);
        free(notes);
        apply_ctx_done(&actx);
        loaded_done(&l);
        strv_free(o.only);
        strv_free(o.skip);
        return code;
}
