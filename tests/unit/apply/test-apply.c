/* SPDX-License-Identifier: MIT */
/* apply_items / rollback_tx against a sysroot in a temp dir: file-backed
 * kinds (sysctl files, storage.conf, nix.conf) make the whole transaction
 * logic testable without root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "knobs/knob.h"
#include "sysroot.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

static char root[256];
static char *state_dir;

static void put(const char *rel, const char *content) {
        fixture_put(root, rel, content);
}

static char *get(const char *rel) {
        return fixture_get(root, rel);
}

static const char storage[] = "# keep me\n[storage]\ndriver = \"overlay\" # default\ngraphroot = \"/x\"\n";
static const char nix[] = "# nix\ncores = 0\n";

static int setup(void **state) {
        (void) state;
        snprintf(root, sizeof root, "%s/vpstune-apply.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        assert_non_null(mkdtemp(root));
        state_dir = xasprintf("%s/state", root);
        return 0;
}

static int teardown(void **state) {
        (void) state;
        nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(state_dir);
        return 0;
}

static int reset(void **state) {
        (void) state;
        put("proc/sys/vm/swappiness", "60\n");
        put("proc/sys/vm/vfs_cache_pressure", "100\n");
        put("etc/containers/storage.conf", storage);
        put("etc/nix/nix.conf", nix);
        return 0;
}

static void assert_original(void) {
        _cleanup_free_ char *a = get("proc/sys/vm/swappiness"), *b = get("etc/containers/storage.conf");
        _cleanup_free_ char *c = get("etc/nix/nix.conf"), *d = get("proc/sys/vm/vfs_cache_pressure");
        assert_string_equal(a, "60\n");
        assert_string_equal(b, storage);
        assert_string_equal(c, nix);
        assert_string_equal(d, "100\n");
}

static int run(struct apply_ctx *ctx, const struct apply_change *c, size_t n, struct apply_result **ret) {
        struct apply_result *res = xcalloc(n, sizeof *res);
        int r = apply_items(ctx, c, n, res);
        *ret = res;
        return r;
}

static void test_apply_and_rollback(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        struct apply_ctx ctx = APPLY_CTX_INIT;
        struct rollback_result rb = {};
        struct apply_result *res;
        _cleanup_free_ char *f = NULL, *n2 = NULL;
        const struct apply_change c[] = {
                { "sysctl:vm.swappiness", "10" },
                { "sysctl:vm.vfs_cache_pressure", "100" },
                { "containers:driver", "btrfs" },
                { "nix:cores", "2" },
                { "nix:max-jobs", "4" },
        };
        (void) state;
        assert_int_equal(sysroot_open(root, &sr), 0);
        ctx.sr = sr;
        ctx.state_dir = state_dir;
        ctx.profile = "test";

        assert_int_equal(run(&ctx, c, ELEMENTSOF(c), &res), 0);
        assert_int_equal(res[0].status, APPLY_CHANGED);
        assert_string_equal(res[0].old_value, "60");
        assert_string_equal(res[0].new_value, "10");
        assert_int_equal(res[1].status, APPLY_UNCHANGED);
        assert_int_equal(res[2].status, APPLY_CHANGED);
        assert_int_equal(res[3].status, APPLY_CHANGED);
        assert_int_equal(res[4].status, APPLY_CHANGED);
        assert_null(res[4].old_value);
        assert_non_null(ctx.tx_id);
        f = get("etc/containers/storage.conf");
        assert_string_equal(f, "# keep me\n[storage]\ndriver = \"btrfs\" # default\ngraphroot = \"/x\"\n");
        n2 = get("etc/nix/nix.conf");
        assert_string_equal(n2, "# nix\ncores = 2\nmax-jobs = 4\n");
        apply_results_free(res, ELEMENTSOF(c));

        {
                int fd;
                struct journal_tx tx;
                assert_int_equal(journal_state_open(state_dir, false, &fd), 0);
                assert_int_equal(journal_load(fd, ctx.tx_id, &tx), 0);
                assert_int_equal(tx.state, JOURNAL_COMMITTED);
                /* one snapshot of nix.conf for two nix items */
                assert_int_equal(tx.n_originals, 3);
                assert_int_equal(tx.n_changes, 4);
                journal_tx_done(&tx);
                close(fd);
        }

        assert_int_equal(rollback_tx(&ctx, NULL, &rb), 0);
        assert_string_equal(rb.tx_id, ctx.tx_id);
        assert_int_equal(rb.n_items, 3);
        for (size_t i = 0; i < rb.n_items; i++)
                assert_true(rb.items[i].verified);
        rollback_result_done(&rb);
        assert_original();
        /* nothing left to undo */
        assert_int_equal(rollback_tx(&ctx, NULL, &rb), -ENOENT);
        assert_int_equal(rollback_tx(&ctx, ctx.tx_id, &rb), -EALREADY);
        rollback_result_done(&rb); /* filled on failure too (tx_id, other_root) */
        apply_ctx_done(&ctx);
}

static void test_failure_rolls_back(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        struct apply_ctx ctx = APPLY_CTX_INIT;
        struct apply_result *res;
        const struct apply_change c[] = {
                { "sysctl:vm.swappiness", "10" },
                { "containers:driver", "btrfs" },
                { "sysctl:vm.no_such_knob", "1" }, /* ENOENT on read */
                { "nix:cores", "2" },
        };
        (void) state;
        assert_int_equal(sysroot_open(root, &sr), 0);
        ctx.sr = sr;
        ctx.state_dir = state_dir;
        assert_int_equal(run(&ctx, c, ELEMENTSOF(c), &res), -ENOENT);
        assert_int_equal(res[0].status, APPLY_ROLLED_BACK);
        assert_int_equal(res[1].status, APPLY_ROLLED_BACK);
        assert_int_equal(res[2].status, APPLY_FAILED);
        assert_non_null(res[2].message);
        assert_int_equal(res[3].status, APPLY_SKIPPED);
        assert_true(ctx.rolled_back);
        assert_original();
        apply_results_free(res, ELEMENTSOF(c));
        apply_ctx_done(&ctx);

        /* keep_partial: the good ones stay */
        ctx.keep_partial = true;
        assert_int_equal(run(&ctx, c, ELEMENTSOF(c), &res), -ENOENT);
        assert_int_equal(res[0].status, APPLY_CHANGED);
        assert_int_equal(res[2].status, APPLY_FAILED);
        assert_int_equal(res[3].status, APPLY_CHANGED);
        assert_false(ctx.rolled_back);
        apply_results_free(res, ELEMENTSOF(c));
        {
                struct rollback_result rb = {};
                assert_int_equal(rollback_tx(&ctx, ctx.tx_id, &rb), 0);
                rollback_result_done(&rb);
        }
        assert_original();
        apply_ctx_done(&ctx);
}

static void test_validation_and_dry_run(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        struct apply_ctx ctx = APPLY_CTX_INIT;
        struct apply_result *res;
        const struct apply_change bad[] = {
                { "sysctl:vm.swappiness", "10" },
                { "block:../x:scheduler", "none" },
        };
        const struct apply_change risky[] = {
                { "sysctl:vm.swappiness", "10" },
                { "sysctl:kernel.core_pattern", "|/bin/sh" },
        };
        const struct apply_change dry[] = {
                { "sysctl:vm.swappiness", "30" },
                { "nix:cores", "0" },
        };
        (void) state;
        assert_int_equal(sysroot_open(root, &sr), 0);
        ctx.sr = sr;
        ctx.state_dir = state_dir;
        assert_int_equal(run(&ctx, bad, 2, &res), -EINVAL);
        assert_int_equal(res[1].status, APPLY_FAILED);
        assert_null(ctx.tx_id);
        apply_results_free(res, 2);
        assert_int_equal(run(&ctx, risky, 2, &res), -EPERM);
        apply_results_free(res, 2);
        assert_original();

        ctx.dry_run = true;
        assert_int_equal(run(&ctx, dry, 2, &res), 0);
        assert_int_equal(res[0].status, APPLY_PLANNED);
        assert_string_equal(res[0].new_value, "30");
        assert_int_equal(res[1].status, APPLY_UNCHANGED);
        assert_null(ctx.tx_id);
        apply_results_free(res, 2);
        assert_original();
}

static void test_incomplete_blocks_apply(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        struct apply_ctx ctx = APPLY_CTX_INIT;
        struct apply_result *res;
        struct journal *j = NULL;
        struct rollback_result rb = {};
        const struct apply_change c[] = { { "sysctl:vm.swappiness", "10" } };
        int fd, lock;
        (void) state;
        assert_int_equal(sysroot_open(root, &sr), 0);
        ctx.sr = sr;
        ctx.state_dir = state_dir;

        /* a crash after the ORIG record and the write, before DONE */
        assert_int_equal(journal_state_open(state_dir, true, &fd), 0);
        {
                struct journal_root jr = {};
                assert_int_equal(sysroot_identity(sr, &jr.path, &jr.dev, &jr.ino), 0);
                assert_int_equal(journal_begin(fd, "crashed", &jr, &j), 0);
                free(jr.path);
        }
        assert_int_equal(journal_orig(j, "sysctl:vm.swappiness", "60"), 0);
        journal_close(j);
        put("proc/sys/vm/swappiness", "1\n");

        assert_int_equal(run(&ctx, c, 1, &res), -EUCLEAN);
        apply_results_free(res, 1);
        /* the lock: held -> -EWOULDBLOCK without waiting */
        assert_int_equal(journal_lock(fd, false, &lock), 0);
        assert_int_equal(rollback_tx(&ctx, NULL, &rb), -EWOULDBLOCK);
        ctx.lock_fd = lock; /* the caller holds it: proceed */
        assert_int_equal(rollback_tx(&ctx, NULL, &rb), 0);
        rollback_result_done(&rb);
        journal_unlock(lock);
        ctx.lock_fd = -1;
        assert_original();
        assert_int_equal(run(&ctx, c, 1, &res), 0);
        apply_results_free(res, 1);
        assert_int_equal(rollback_tx(&ctx, NULL, &rb), 0);
        rollback_result_done(&rb);
        apply_ctx_done(&ctx);
        close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_apply_and_rollback, reset),
                cmocka_unit_test_setup(test_failure_rolls_back, reset),
                cmocka_unit_test_setup(test_validation_and_dry_run, reset),
                cmocka_unit_test_setup(test_incomplete_blocks_apply, reset),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
