/* SPDX-License-Identifier: MIT */
#include "apply/apply.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "apply/fault.h"
#include "apply/journal.h"
#include "knobs/knob.h"
#include "util.h"

const char *apply_status_to_string(enum apply_status s) {
        switch (s) {
        case APPLY_SKIPPED:
                return "skipped";
        case APPLY_UNCHANGED:
                return "unchanged";
        case APPLY_PLANNED:
                return "planned";
        case APPLY_CHANGED:
                return "changed";
        case APPLY_FAILED:
                return "failed";
        case APPLY_ROLLED_BACK:
                return "rolled-back";
        }
        return "unknown";
}

void apply_ctx_done(struct apply_ctx *ctx) {
        free(ctx->tx_id);
        ctx->tx_id = NULL;
        free(ctx->blocked_by);
        ctx->blocked_by = NULL;
}

void apply_results_free(struct apply_result *r, size_t n) {
        if (!r)
                return;
        for (size_t i = 0; i < n; i++) {
                free(r[i].old_value);
                free(r[i].new_value);
                free(r[i].message);
        }
        free(r);
}

void rollback_result_done(struct rollback_result *r) {
        if (!r)
                return;
        for (size_t i = 0; i < r->n_items; i++) {
                free(r->items[i].knob_id);
                free(r->items[i].value);
                free(r->items[i].actual);
        }
        free(r->items);
        free(r->tx_id);
        free(r->other_root);
        *r = (struct rollback_result) {};
}

static char *error_message(const char *what, const char *knob_id, int error) {
        const char *hint = knob_error_hint(knob_id, error);
        return hint ? xasprintf("%s: %s (%s)", what, strerror(-error), hint) : xasprintf("%s: %s", what, strerror(-error));
}

/* knob_read with "absent" folded into a NULL value. */
static int read_value(struct sysroot *sr, const char *id, char **ret) {
        int r = knob_read(sr, id, ret);
        if (r == -ENODATA) {
                *ret = NULL;
                return 0;
        }
        return r;
}

/* ---- locking and state ---- */

struct state {
        int dir_fd;
        int lock_fd; /* ours to release, or -1 */
};

static void state_release(struct state *st) {
        if (st->lock_fd >= 0)
                journal_unlock(st->lock_fd);
        if (st->dir_fd >= 0)
                close(st->dir_fd);
        st->dir_fd = st->lock_fd = -1;
}

static int state_acquire(struct apply_ctx *ctx, struct state *st) {
        int r;

        st->dir_fd = st->lock_fd = -1;
        r = ctx->state_in_root ? journal_state_open_in_root(ctx->sr, true, &st->dir_fd)
                               : journal_state_open(ctx->state_dir, true, &st->dir_fd);
        if (r < 0)
                return r;
        if (ctx->lock_fd < 0) {
                r = journal_lock(st->dir_fd, ctx->wait_lock, &st->lock_fd);
                if (r < 0) {
                        state_release(st);
                        return r;
                }
        }
        return 0;
}

/* ---- rollback ---- */

/* Restores the ORIG records of tx (first per knob ID), newest first, then
 * verifies them all: verifying only after every restore matters for
 * values that interact (the dirty ratio/bytes pairs). One more pass for
 * whatever did not verify (a restore that depended on another's order). */
static int undo_tx(struct sysroot *sr, const struct journal_tx *tx, struct rollback_result *res) {
        _cleanup_strv_ char **seen = xcalloc(1, sizeof(char *));
        bool all = true;

        for (size_t i = 0; i < tx->n_records; i++) {
                const struct journal_record *rec = &tx->records[i];
                struct rollback_item *it;
                if (rec->type != JREC_ORIG || strv_contains(seen, rec->knob_id))
                        continue;
                strv_push(&seen, rec->knob_id);
                it = array_grow(&res->items, &res->n_items, sizeof *it);
                it->knob_id = xstrdup(rec->knob_id);
                it->value = rec->value ? xstrdup(rec->value) : NULL;
        }
        for (int pass = 0; pass < 2; pass++) {
                all = true;
                for (size_t i = res->n_items; i > 0; i--) {
                        struct rollback_item *it = &res->items[i - 1];
                        if (it->verified)
                                continue;
                        it->error = knob_restore(sr, it->knob_id, it->value);
                        fault_point("restore");
                }
                for (size_t i = 0; i < res->n_items; i++) {
                        struct rollback_item *it = &res->items[i];
                        int r;
                        if (it->verified)
                                continue;
                        free(it->actual);
                        it->actual = NULL;
                        r = read_value(sr, it->knob_id, &it->actual);
                        if (r < 0) {
                                if (it->error == 0)
                                        it->error = r;
                        } else if (streq_ptr(it->actual, it->value)) {
                                it->verified = true;
                                it->error = 0;
                        } else if (it->error == 0)
                                it->error = -EREMCHG;
                        all = all && it->verified;
                }
                if (all)
                        break;
        }
        return all ? 0 : -EIO;
}

/* Every DONE must be covered by the ORIGs of its snapshot IDs: a DONE
 * whose ORIG was lost (a damaged line, an edited file) would otherwise
 * roll back "successfully" and leave the change in place. */
static bool done_without_orig(const struct journal_tx *tx) {
        for (size_t i = 0; i < tx->n_records; i++) {
                _cleanup_strv_ char **sids = NULL;
                if (tx->records[i].type != JREC_DONE)
                        continue;
                if (knob_snapshot_ids(tx->records[i].knob_id, &sids) < 0 || !sids || !*sids)
                        return true;
                for (char **s = sids; *s; s++) {
                        bool found = false;
                        for (size_t k = 0; k < i && !found; k++)
                                found = tx->records[k].type == JREC_ORIG && streq(tx->records[k].knob_id, *s);
                        if (!found)
                                return true;
                }
        }
        return false;
}

static int root_matches(struct sysroot *sr, const struct journal_tx *tx) {
        _cleanup_free_ char *path = NULL;
        uint64_t dev, ino;
        int r = sysroot_identity(sr, &path, &dev, &ino);

        if (r < 0)
                return r;
        if (!tx->has_root)
                return 0; /* damaged: journal_tx.damage says so */
        if (!streq(path, tx->root.path) || dev != tx->root.dev || ino != tx->root.ino)
                return -EXDEV;
        return 0;
}

static int rollback_locked(struct sysroot *sr, int dir_fd, const char *id, struct rollback_result *ret) {
        struct rollback_result res = {};
        struct journal_tx tx = {};
        int r;

        r = journal_load(dir_fd, id, &tx);
        if (r < 0)
                return r;
        res.tx_id = xstrdup(id);
        if (tx.state == JOURNAL_ROLLED_BACK || tx.state == JOURNAL_ABANDONED) {
                journal_tx_done(&tx);
                r = -EALREADY;
                goto out;
        }
        r = root_matches(sr, &tx);
        if (r < 0) {
                res.other_root = tx.root.path ? xstrdup(tx.root.path) : NULL;
                journal_tx_done(&tx);
                goto out;
        }
        if (!tx.damage && done_without_orig(&tx))
                tx.damage = "a DONE record without the ORIG record of its original";
        res.damaged = tx.bad_lines > 0;
        res.damage = tx.damage;
        /* A damaged journal: put back what it does say (each record it
         * kept has a valid checksum), but never call it rolled back. */
        r = undo_tx(sr, &tx, &res);
        if (r == 0 && tx.damage)
                r = -EBADMSG;
        journal_tx_done(&tx);
        if (r == 0)
                r = journal_mark_rolled_back(dir_fd, id);
out:
        if (ret)
                *ret = res;
        else
                rollback_result_done(&res);
        return r;
}

int abandon_tx(struct apply_ctx *ctx, const char *id, struct rollback_result *ret) {
        struct rollback_result res = {};
        struct journal_tx tx = {};
        struct state st;
        int r;

        if (!id || !journal_id_is_valid(id))
                return -EINVAL;
        r = state_acquire(ctx, &st);
        if (r < 0)
                return r;
        r = journal_load(st.dir_fd, id, &tx);
        if (r < 0)
                goto out;
        res.tx_id = xstrdup(id);
        res.damage = tx.damage;
        if (tx.state == JOURNAL_ROLLED_BACK || tx.state == JOURNAL_ABANDONED) {
                r = -EALREADY;
                goto out;
        }
        /* What is given up: the originals that will not be put back. */
        for (size_t i = 0; i < tx.n_records; i++) {
                struct rollback_item *it;
                bool seen = false;
                if (tx.records[i].type != JREC_ORIG)
                        continue;
                for (size_t k = 0; k < res.n_items && !seen; k++)
                        seen = streq(res.items[k].knob_id, tx.records[i].knob_id);
                if (seen)
                        continue;
                it = array_grow(&res.items, &res.n_items, sizeof *it);
                it->knob_id = xstrdup(tx.records[i].knob_id);
                it->value = tx.records[i].value ? xstrdup(tx.records[i].value) : NULL;
        }
        r = journal_mark_abandoned(st.dir_fd, id);
out:
        journal_tx_done(&tx);
        state_release(&st);
        if (ret)
                *ret = res;
        else
                rollback_result_done(&res);
        return r;
}

int rollback_tx(struct apply_ctx *ctx, const char *id, struct rollback_result *ret) {
        _cleanup_free_ char *pick = NULL;
        struct state st;
        int r;

        if (id && !journal_id_is_valid(id))
                return -EINVAL;
        r = state_acquire(ctx, &st);
        if (r < 0)
                return r;
        if (!id) {
                struct journal_tx *a = NULL;
                size_t n = 0;
                r = journal_list(st.dir_fd, &a, &n);
                if (r < 0) {
                        state_release(&st);
                        return r;
                }
                /* The undo stack: newest first, skipping what is undone. */
                for (size_t i = n; i > 0 && !pick; i--)
                        if (a[i - 1].state != JOURNAL_ROLLED_BACK && a[i - 1].state != JOURNAL_ABANDONED)
                                pick = xstrdup(a[i - 1].id);
                journal_tx_array_free(a, n);
                if (!pick) {
                        state_release(&st);
                        return -ENOENT;
                }
                id = pick;
        }
        if (ctx->force)
                knob_set_force(true);
        r = rollback_locked(ctx->sr, st.dir_fd, id, ret);
        if (ctx->force)
                knob_set_force(false);
        state_release(&st);
        return r;
}

/* ---- apply ---- */

static int validate_all(struct apply_ctx *ctx, const struct apply_change *c, size_t n, struct apply_result *res,
                        char **targets) {
        int first = 0;

        for (size_t i = 0; i < n; i++) {
                int r = knob_validate(c[i].knob_id);
                if (r == 0)
                        r = knob_normalize(c[i].knob_id, c[i].target, &targets[i]);
                if (r < 0) {
                        res[i].status = APPLY_FAILED;
                        res[i].error = -EINVAL;
                        res[i].message = xasprintf("invalid knob or value '%s' = '%s'", strna(c[i].knob_id),
                                                   strna(c[i].target));
                        first = first ? first : -EINVAL;
                        continue;
                }
                if (!ctx->allow_risky && knob_is_risky_at(ctx->sr, c[i].knob_id)) {
                        res[i].status = APPLY_FAILED;
                        res[i].error = -EPERM;
                        res[i].message = xasprintf("'%s' can weaken the kernel: needs allow-risky", c[i].knob_id);
                        first = first ? first : -EPERM;
                }
        }
        return first;
}

/* Earlier transactions left open by a crash? One without originals
 * changed nothing and is closed quietly; one with originals must be
 * rolled back by the user (-EUCLEAN); a damaged one must be looked at
 * (-EBADMSG). One pass over the list, and closing a transaction is read
 * back (journal_mark_rolled_back), so no journal can make this loop. */
static int check_incomplete(struct apply_ctx *ctx, int dir_fd) {
        struct journal_tx *a = NULL;
        size_t n = 0;
        int r = journal_list(dir_fd, &a, &n);

        if (r < 0)
                return r;
        for (size_t i = n; i > 0 && r == 0; i--) {
                struct journal_tx *tx = &a[i - 1];
                if (tx->state != JOURNAL_INCOMPLETE)
                        continue;
                if (tx->damage) {
                        ctx->blocked_by = xstrdup(tx->id);
                        ctx->blocked_why = tx->damage;
                        r = -EBADMSG;
                } else if (tx->n_originals > 0) {
                        ctx->blocked_by = xstrdup(tx->id);
                        r = -EUCLEAN;
                } else if ((r = journal_mark_rolled_back(dir_fd, tx->id)) < 0) {
                        ctx->blocked_by = xstrdup(tx->id);
                        ctx->blocked_why = "it could not be closed";
                }
        }
        journal_tx_array_free(a, n);
        return r;
}

int apply_items(struct apply_ctx *ctx, const struct apply_change *changes, size_t n,
                struct apply_result *results) {
        _cleanup_(journal_closep) struct journal *j = NULL;
        _cleanup_strv_ char **journaled = xcalloc(1, sizeof(char *));
        char **targets = xcalloc(n + 1, sizeof(char *));
        struct state st = { -1, -1 };
        int first_err = 0, r;
        bool failed = false;

        ctx->rolled_back = false;
        free(ctx->tx_id);
        ctx->tx_id = NULL;
        r = validate_all(ctx, changes, n, results, targets);
        if (r < 0)
                goto out;
        if (!ctx->dry_run) {
                r = state_acquire(ctx, &st);
                if (r < 0)
                        goto out;
                r = check_incomplete(ctx, st.dir_fd);
                if (r < 0)
                        goto out;
        }
        if (ctx->force)
                knob_set_force(true);

        for (size_t i = 0; i < n; i++) {
                const char *id = changes[i].knob_id;
                struct apply_result *res = &results[i];
                _cleanup_strv_ char **sids = NULL;
                char **pre = NULL; /* values of sids right before this write */
                size_t nsids;

                if (failed && !ctx->keep_partial) {
                        res->status = APPLY_SKIPPED;
                        continue;
                }
                r = read_value(ctx->sr, id, &res->old_value);
                if (r < 0) {
                        res->status = APPLY_FAILED;
                        res->error = r;
                        res->message = error_message("cannot read", id, r);
                        goto item_failed;
                }
                if (streq_ptr(res->old_value, targets[i])) {
                        res->status = APPLY_UNCHANGED;
                        res->new_value = res->old_value ? xstrdup(res->old_value) : NULL;
                        continue;
                }
                if (ctx->dry_run) {
                        res->status = APPLY_PLANNED;
                        res->new_value = targets[i] ? xstrdup(targets[i]) : NULL;
                        continue;
                }
                if (!j) {
                        struct journal_root root = {};
                        r = sysroot_identity(ctx->sr, &root.path, &root.dev, &root.ino);
                        if (r == 0)
                                r = journal_begin(st.dir_fd, ctx->profile, &root, &j);
                        free(root.path);
                        if (r < 0) {
                                res->status = APPLY_FAILED;
                                res->error = r;
                                res->message = error_message("cannot start the journal", id, r);
                                goto item_failed;
                        }
                        ctx->tx_id = xstrdup(journal_get_id(j));
                }
                r = knob_snapshot_ids(id, &sids);
                nsids = r < 0 ? 0 : strv_length(sids);
                pre = xcalloc(nsids + 1, sizeof(char *));
                /* Originals first, durable, before anything changes. */
                for (size_t k = 0; r >= 0 && k < nsids; k++) {
                        r = read_value(ctx->sr, sids[k], &pre[k]);
                        if (r < 0 || strv_contains(journaled, sids[k]))
                                continue;
                        r = journal_orig(j, sids[k], pre[k]);
                        if (r < 0)
                                break;
                        strv_push(&journaled, sids[k]);
                        fault_point("orig");
                }
                if (r < 0) {
                        for (size_t k = 0; k < nsids; k++)
                                free(pre[k]);
                        free(pre);
                        res->status = APPLY_FAILED;
                        res->error = r;
                        res->message = error_message("cannot journal the original", id, r);
                        goto item_failed;
                }
                r = knob_write(ctx->sr, id, changes[i].target);
                fault_point("write");
                if (r < 0) {
                        res->status = APPLY_FAILED;
                        res->error = r;
                        res->message = error_message("cannot write", id, r);
                        (void) journal_fail(j, id, r);
                        /* Undo this item now; with keep_partial nothing else
                         * will. Its own pre-write values, not the journal's
                         * originals, so earlier items that share a snapshot
                         * (one config file) are kept. */
                        for (size_t k = nsids; k > 0; k--)
                                (void) knob_restore(ctx->sr, sids[k - 1], pre[k - 1]);
                } else {
                        r = read_value(ctx->sr, id, &res->new_value);
                        if (r == 0)
                                r = journal_done(j, id, res->new_value);
                        if (r < 0) {
                                res->status = APPLY_FAILED;
                                res->error = r;
                                res->message = error_message("cannot record the change", id, r);
                        } else {
                                res->status = APPLY_CHANGED;
                                fault_point("done");
                        }
                }
                for (size_t k = 0; k < nsids; k++)
                        free(pre[k]);
                free(pre);
                if (res->status == APPLY_CHANGED)
                        continue;
        item_failed:
                failed = true;
                first_err = first_err ? first_err : res->error;
        }

        if (j && failed && !ctx->keep_partial) {
                struct rollback_result rb = {};
                journal_close(TAKE_PTR(j));
                r = rollback_locked(ctx->sr, st.dir_fd, ctx->tx_id, &rb);
                for (size_t i = 0; i < n; i++)
                        if (results[i].status == APPLY_CHANGED)
                                results[i].status = APPLY_ROLLED_BACK;
                rollback_result_done(&rb);
                ctx->rolled_back = r == 0;
                r = r < 0 ? -EIO : first_err;
        } else if (j) {
                r = journal_commit(j);
                if (r == 0)
                        r = first_err;
        } else
                r = first_err;
        if (ctx->force)
                knob_set_force(false);
out:
        state_release(&st);
        for (size_t i = 0; i < n; i++)
                free(targets[i]);
        free(targets);
        return r;
}
