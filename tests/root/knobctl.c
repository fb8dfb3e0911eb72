/* SPDX-License-Identifier: MIT */
/*
 * Test driver for the effect layer until `vpstune apply` is wired:
 *
 *   knobctl [-r ROOT] read KNOB             value, or "<absent>"
 *   knobctl [-r ROOT] write KNOB VALUE      write + read back
 *   knobctl [-r ROOT] unset KNOB
 *   knobctl [-r ROOT] apply-file STATE_DIR FILE [--keep-partial] [--dry-run]
 *                                           [--no-wait] [--force] [--allow-risky]
 *          FILE lines: "KNOB VALUE" (VALUE is the rest of the line; "-" or
 *          nothing = unset); "#" comments.
 *   knobctl [-r ROOT] rollback STATE_DIR [ID]
 *   knobctl list STATE_DIR                  "ID STATE TIME PROFILE ORIG DONE FAIL"
 *   knobctl incomplete STATE_DIR            prints the id, exit 1 if none
 *   knobctl risky KNOB                      exit 0 if risky
 *
 * Exit: 0 ok, 1 failure, 2 usage, 75 (EX_TEMPFAIL) lock busy, 76
 * incomplete transaction pending. The fault-injection build prints
 * "fault-points N" on stderr at exit so a test learns how many steps an
 * apply has.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/fault.h"
#include "apply/journal.h"
#include "knobs/knob.h"
#include "sysroot.h"
#include "util.h"

static int usage(void) {
        fprintf(stderr, "usage: knobctl [-r ROOT] read|write|unset|apply-file|rollback|list|incomplete|risky ...\n");
        return 2;
}

static int exit_for(int r) {
        if (r == -EWOULDBLOCK)
                return 75;
        if (r == -EUCLEAN)
                return 76;
        return r < 0 ? 1 : 0;
}

static int cmd_apply_file(struct sysroot *sr, int argc, char **argv) {
        struct apply_ctx ctx = APPLY_CTX_INIT;
        struct apply_change *ch = NULL;
        struct apply_result *res;
        char **lines = NULL;
        size_t n = 0;
        char buf[8192];
        FILE *f;
        int r;

        if (argc < 2)
                return usage();
        ctx.sr = sr;
        ctx.state_dir = argv[0];
        ctx.profile = "knobctl";
        ctx.wait_lock = true;
        for (int i = 2; i < argc; i++) {
                if (streq(argv[i], "--keep-partial"))
                        ctx.keep_partial = true;
                else if (streq(argv[i], "--dry-run"))
                        ctx.dry_run = true;
                else if (streq(argv[i], "--no-wait"))
                        ctx.wait_lock = false;
                else if (streq(argv[i], "--force"))
                        ctx.force = true;
                else if (streq(argv[i], "--allow-risky"))
                        ctx.allow_risky = true;
                else
                        return usage();
        }
        f = fopen(argv[1], "re");
        if (!f) {
                fprintf(stderr, "knobctl: %s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        while (fgets(buf, sizeof buf, f)) {
                char *s = strstrip(buf);
                if (!*s || *s == '#')
                        continue;
                strv_push(&lines, s);
                (void) array_grow(&ch, &n, sizeof *ch);
        }
        fclose(f);
        for (size_t i = 0; i < n; i++) {
                char *s = lines[i], *sp = strpbrk(s, " \t");
                if (sp) {
                        *sp++ = '\0';
                        sp = strstrip(sp);
                }
                ch[i].knob_id = s;
                ch[i].target = sp && *sp && !streq(sp, "-") ? sp : NULL;
        }
        res = xcalloc(n + 1, sizeof *res);
        r = apply_items(&ctx, ch, n, res);
        for (size_t i = 0; i < n; i++)
                printf("%s %s %s -> %s%s%s\n", ch[i].knob_id, apply_status_to_string(res[i].status),
                       res[i].old_value ? res[i].old_value : "<absent>",
                       res[i].new_value ? res[i].new_value : "<absent>", res[i].message ? " : " : "",
                       res[i].message ? res[i].message : "");
        if (ctx.tx_id)
                printf("tx %s%s\n", ctx.tx_id, ctx.rolled_back ? " rolled-back" : "");
        if (r < 0)
                fprintf(stderr, "knobctl: apply: %s\n", strerror(-r));
        apply_results_free(res, n);
        apply_ctx_done(&ctx);
        strv_free(lines);
        free(ch);
        return exit_for(r);
}

static int cmd_rollback(struct sysroot *sr, int argc, char **argv) {
        struct apply_ctx ctx = APPLY_CTX_INIT;
        struct rollback_result rb = {};
        int r;

        if (argc < 1)
                return usage();
        ctx.sr = sr;
        ctx.state_dir = argv[0];
        ctx.wait_lock = true;
        ctx.force = argc > 2 && streq(argv[2], "--force");
        r = rollback_tx(&ctx, argc > 1 && !streq(argv[1], "-") ? argv[1] : NULL, &rb);
        for (size_t i = 0; i < rb.n_items; i++)
                printf("%s %s %s%s%s\n", rb.items[i].knob_id, rb.items[i].verified ? "restored" : "FAILED",
                       rb.items[i].value ? "" : "<absent>", rb.items[i].error ? " : " : "",
                       rb.items[i].error ? strerror(-rb.items[i].error) : "");
        if (rb.tx_id)
                printf("tx %s\n", rb.tx_id);
        if (r < 0)
                fprintf(stderr, "knobctl: rollback: %s\n", strerror(-r));
        rollback_result_done(&rb);
        return exit_for(r);
}

static int cmd_list(int argc, char **argv) {
        struct journal_tx *a = NULL;
        size_t n = 0;
        int fd, r;

        if (argc < 1)
                return usage();
        r = journal_state_open(argv[0], false, &fd);
        if (r < 0) {
                fprintf(stderr, "knobctl: %s: %s\n", argv[0], strerror(-r));
                return 1;
        }
        r = streq(argv[-1], "incomplete") ? 0 : journal_list(fd, &a, &n);
        for (size_t i = 0; r == 0 && i < n; i++)
                printf("%s %s %lld %s %zu %zu %zu%s%s\n", a[i].id, journal_state_to_string(a[i].state),
                       (long long) a[i].time, a[i].profile ? a[i].profile : "-", a[i].n_originals, a[i].n_changes,
                       a[i].n_failed, a[i].torn_tail ? " torn" : "", a[i].bad_lines ? " damaged" : "");
        journal_tx_array_free(a, n);
        if (streq(argv[-1], "incomplete")) {
                char *id = NULL;
                r = journal_find_incomplete(fd, &id);
                if (r == 0)
                        printf("%s\n", id);
                free(id);
                close(fd);
                return r == 0 ? 0 : 1;
        }
        close(fd);
        return r < 0 ? 1 : 0;
}

int main(int argc, char **argv) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        const char *root = NULL, *cmd;
        _cleanup_free_ char *v = NULL;
        int r, ret = 0;

        if (argc > 2 && streq(argv[1], "-r")) {
                root = argv[2];
                argc -= 2;
                argv += 2;
        }
        if (argc < 2)
                return usage();
        cmd = argv[1];
        r = sysroot_open(root, &sr);
        if (r < 0) {
                fprintf(stderr, "knobctl: %s: %s\n", strna(root), strerror(-r));
                return 1;
        }
        if (streq(cmd, "read") && argc == 3) {
                r = knob_read(sr, argv[2], &v);
                if (r == -ENODATA)
                        printf("<absent>\n");
                else if (r == 0)
                        printf("%s\n", v);
                ret = r < 0 && r != -ENODATA ? 1 : 0;
        } else if ((streq(cmd, "write") && argc == 4) || (streq(cmd, "unset") && argc == 3)) {
                r = knob_write(sr, argv[2], argc == 4 ? argv[3] : NULL);
                ret = r < 0 ? 1 : 0;
        } else if (streq(cmd, "apply-file"))
                ret = cmd_apply_file(sr, argc - 2, argv + 2);
        else if (streq(cmd, "rollback"))
                ret = cmd_rollback(sr, argc - 2, argv + 2);
        else if ((streq(cmd, "list") || streq(cmd, "incomplete")) && argc >= 3) {
                ret = cmd_list(argc - 2, argv + 2);
                r = 0;
        } else if (streq(cmd, "risky") && argc == 3)
                return knob_is_risky(argv[2]) ? 0 : 1;
        else
                return usage();
        if (ret == 1 && r < 0) {
                const char *hint = knob_error_hint(argc > 2 ? argv[2] : NULL, r);
                fprintf(stderr, "knobctl: %s: %s%s%s\n", cmd, strerror(-r), hint ? ": " : "", strempty(hint));
        }
#ifdef VPSTUNE_FAULT_INJECTION
        fprintf(stderr, "fault-points %u\n", fault_count());
#endif
        if (fflush(stdout) != 0 || ferror(stdout))
                return 1;
        return ret;
}
