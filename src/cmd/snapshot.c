/* SPDX-License-Identifier: MIT */
/*
 * vpstune snapshot: read-only btrfs snapshots of the mounted subvolumes
 * (src/snapshot/snapshot.h has the layout and the sidecar format), their
 * retention in btrbk's terms, and restore. The verb parses options, takes
 * the state lock for changes and prints; the work is in src/snapshot/.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "apply/journal.h"
#include "cmd/common.h"
#include "log.h"
#include "output/json.h"
#include "output/snapshot-render.h"
#include "snapshot/snapshot.h"
#include "util.h"

static void snapshot_help(void) {
        printf("Usage: vpstune snapshot [SUBVOLUME...] [--pre DESC | --post ID] [--tag T]\n"
               "                        [--description TEXT] [--if-changed]\n"
               "       vpstune snapshot --list [--json]\n"
               "       vpstune snapshot --prune [--dry-run] [--force] [--preserve-min M]\n"
               "                        [--preserve P] [--max-pairs N]\n"
               "       vpstune snapshot --delete ID [--force]\n"
               "       vpstune snapshot --restore ID [--dry-run] [--force]\n"
               "       vpstune snapshot --recover\n"
               "\n"
               "Read-only btrfs snapshots of the subvolumes mounted by path (from\n"
               "mountinfo; SUBVOLUME is a mount point, a subvolume path or name; default\n"
               "all). They go to the top-level subvolume, directory " SNAPSHOT_DIR ",\n"
               "named NAME.YYYYMMDDThhmm[_N] as btrbk names them, each with a JSON sidecar\n"
               "in the state directory. Nested subvolumes that are not mounted are not in\n"
               "a snapshot; --list names them.\n"
               "\n"
               "  --pre DESC       a pre snapshot (before a change), described\n"
               "  --post ID        the post snapshot paired with pre snapshot ID\n"
               "  --tag T          tag it (repeatable); \"important\" pins it\n"
               "  --description T  free text\n"
               "  --if-changed     skip a subvolume unchanged since its newest snapshot\n"
               "  -l, --list       snapshots, pins, the space each pins (and how that was\n"
               "                   estimated), excluded subvolumes\n"
               "  --prune          delete what the retention policy does not keep\n"
               "  --preserve-min M btrbk's preserve_min: 1d, 12h, all, latest, no (default 1d)\n"
               "  --preserve P     btrbk's preserve: \"14d 8w 6m\" (default), \"*d\", no\n"
               "  --max-pairs N    pre/post pairs kept (default 10, 0 no limit)\n"
               "  --delete ID      delete one snapshot\n"
               "  --restore ID     make ID the live subvolume again (old one kept as\n"
               "                   NAME.rollback-TS); \"/\" is a dry run unless --force\n"
               "  --recover        finish or revert a restore that was interrupted\n"
               "  -n, --dry-run    show what would be done\n"
               "  --force          also delete pinned snapshots; really restore /\n"
               "  -j, --json       machine-readable output\n"
               "  -h, --help       this help\n"
               "\n"
               "Space guard (no qgroups needed): below 15%% free, the oldest unpinned\n"
               "snapshots of that filesystem are deleted first; below 5%% no snapshot\n"
               "is made (exit 3). Pinned: tagged important, an apply's pre-snapshot, and\n"
               "the newest of each subvolume. vpstune never enables quotas.\n"
               "\n"
               "Exit status: 0 done; 2 usage error, unknown ID or subvolume, pinned\n"
               "without --force; 3 no permission, not enough space, or some deletion\n"
               "failed.\n");
}

enum {
        OPT_PRE = 256, OPT_POST, OPT_TAG, OPT_DESC, OPT_IF_CHANGED, OPT_PRUNE, OPT_DELETE, OPT_RESTORE,
        OPT_RECOVER, OPT_FORCE, OPT_PRESERVE_MIN, OPT_PRESERVE, OPT_MAX_PAIRS,
};

enum mode { M_CREATE, M_LIST, M_PRUNE, M_DELETE, M_RESTORE, M_RECOVER };

struct sopts {
        enum mode mode;
        const char *pre, *post, *desc, *id;
        char **tags;
        char **names;        /* SUBVOLUME... */
        bool if_changed, dry_run, force, json;
        struct snap_policy policy;
};

static int open_state(struct cmd_ctx *ctx, bool create, char **ret_path, int *ret_fd) {
        _cleanup_free_ char *p = ctx->state_dir ? xstrdup(ctx->state_dir) : journal_default_state_dir(ctx->root);
        int r = journal_state_open(p, create, ret_fd);
        *ret_path = TAKE_PTR(p);
        return r;
}

static bool can_change(struct cmd_ctx *ctx, const char *what) {
        if (!sysroot_is_live(ctx->sr)) {
                log_error("snapshot: %s works on the live machine only (not with --root)", what);
                return false;
        }
        if (geteuid() != 0) {
                log_error("snapshot: %s needs root; nothing changed", what);
                return false;
        }
        return true;
}

/* Scan + pins, with the on-disk view when we may look at it; only the
 * snapshots of the named subvolumes when some are named. */
static int load_all(struct cmd_ctx *ctx, int state_fd, const struct snap_layout *l, char **names,
                    struct snap_info **a, size_t *n) {
        bool live = sysroot_is_live(ctx->sr) && geteuid() == 0;
        size_t k = 0;
        int r = snap_scan(state_fd, l, live, a, n);
        if (r < 0)
                return r;
        for (size_t i = 0; names && *names && i < *n; i++) {
                bool want = false;
                for (char **w = names; *w && !want; w++) {
                        const struct snap_subvol *sv = snap_layout_find(l, *w);
                        want = sv ? streq_ptr(sv->fs_uuid, (*a)[i].fs_uuid) && streq_ptr(sv->path, (*a)[i].source)
                                  : streq_ptr(*w, (*a)[i].source) || streq_ptr(*w, (*a)[i].mountpoint);
                }
                if (want)
                        (*a)[k++] = (*a)[i];
                else
                        snap_info_done(&(*a)[i]);
        }
        if (names && *names)
                *n = k;
        snap_mark_pins(*a, *n);
        return 0;
}

static int do_list(struct cmd_ctx *ctx, const struct sopts *o) {
        _cleanup_free_ char *sd = NULL;
        struct snap_layout l = {};
        struct snap_info *a = NULL;
        size_t n = 0;
        int fd = -1, r;

        r = snap_discover(ctx->sr, &l);
        if (r < 0)
                return log_error_errno(r, "snapshot: cannot read the mounts: %m"), EXIT_UNKNOWN;
        r = open_state(ctx, false, &sd, &fd);
        if (r < 0 && r != -ENOENT) {
                snap_layout_done(&l);
                return log_error_errno(r, "snapshot: state directory '%s' is unusable: %m", sd), EXIT_UNKNOWN;
        }
        {
                r = load_all(ctx, fd, &l, o->names, &a, &n);
                if (fd >= 0)
                        close(fd);
                if (r < 0) {
                        snap_layout_done(&l);
                        return log_error_errno(r, "snapshot: cannot list '%s': %m", sd), EXIT_UNKNOWN;
                }
        }
        if (sysroot_is_live(ctx->sr) && geteuid() == 0)
                snap_estimate_pinned(ctx->sr, &l, a, n);
        if (o->json) {
                r = json_print_consume(snapshot_list_to_json(a, n, &l, NULL, NULL), stdout, 1);
        } else
                r = snapshot_print_list(a, n, &l, stdout, ctx->color);
        snap_info_array_free(a, n);
        snap_layout_done(&l);
        return r < 0 ? EXIT_UNKNOWN : EXIT_OK;
}

static int do_prune(struct cmd_ctx *ctx, const struct sopts *o, int state_fd, const struct snap_layout *l) {
        struct snap_info *a = NULL;
        size_t n = 0;
        _cleanup_free_ bool *del = NULL;
        _cleanup_free_ const char **why = NULL;
        int r, code = EXIT_OK;

        r = load_all(ctx, state_fd, l, o->names, &a, &n);
        if (r < 0)
                return log_error_errno(r, "snapshot: cannot list snapshots: %m"), EXIT_UNKNOWN;
        del = xcalloc(n + 1, sizeof *del);
        why = xcalloc(n + 1, sizeof *why);
        snap_prune_plan(a, n, &o->policy, snap_now(), o->force, del, why);
        if (o->json) {
                (void) json_print_consume(snapshot_list_to_json(a, n, NULL, del, why), stdout, 1);
        } else
                (void) snapshot_print_prune(a, n, del, why, o->dry_run, stdout, ctx->color);
        for (size_t i = 0; i < n && !o->dry_run; i++) {
                if (!del[i])
                        continue;
                r = snap_delete(state_fd, l, &a[i]);
                if (r < 0) {
                        log_error_errno(r, "snapshot: cannot delete '%s': %m", a[i].id);
                        code = EXIT_UNKNOWN; /* and go on with the rest */
                }
        }
        snap_info_array_free(a, n);
        return code;
}

static int do_delete(struct cmd_ctx *ctx, const struct sopts *o, int state_fd, const struct snap_layout *l) {
        struct snap_info *a = NULL, *s = NULL;
        size_t n = 0;
        int r, code = EXIT_OK;

        r = load_all(ctx, state_fd, l, NULL, &a, &n);
        if (r < 0)
                return log_error_errno(r, "snapshot: cannot list snapshots: %m"), EXIT_UNKNOWN;
        for (size_t i = 0; i < n; i++)
                if (streq(a[i].id, o->id))
                        s = &a[i];
        if (!s) {
                log_error("snapshot: no snapshot '%s' (see 'vpstune snapshot --list')", o->id);
                code = EXIT_USAGE;
        } else if (s->pinned && !o->force) {
                log_error("snapshot: '%s' is pinned (%s); --force deletes it anyway", s->id, s->pin_reason);
                code = EXIT_USAGE;
        } else if (o->dry_run)
                printf("would delete %s\n", s->id);
        else if ((r = snap_delete(state_fd, l, s)) < 0) {
                log_error_errno(r, "snapshot: cannot delete '%s': %m", s->id);
                code = EXIT_UNKNOWN;
        } else
                printf("deleted %s\n", s->id);
        snap_info_array_free(a, n);
        return code;
}

static int create_one(struct cmd_ctx *ctx, const struct sopts *o, int state_fd, const struct snap_layout *l,
                      const struct snap_subvol *sv, const char *pair, char **ret_id) {
        const struct snap_fs *fs = snap_layout_fs(l, sv->fs_uuid);
        _cleanup_strv_ char **deleted = NULL, **failed = NULL;
        struct snap_create_opts co = {
                .kind = o->pre ? SNAP_PRE : o->post ? SNAP_POST : SNAP_SINGLE,
                .pair = pair,
                .description = o->pre ? o->pre : o->desc,
                .tags = o->tags,
                .if_changed = o->if_changed,
        };
        struct snap_info s = {};
        double pct = 100;
        int top, r;

        (void) ctx;
        if (!fs)
                return log_error("snapshot: no filesystem for '%s'", sv->path), EXIT_UNKNOWN;
        r = snap_open_top(fs, &top);
        if (r < 0)
                return log_error_errno(r, "snapshot: cannot open the top level of %s (%s): %m", fs->uuid,
                                       strna(fs->source_dev)), EXIT_UNKNOWN;
        r = snap_make_room(state_fd, l, fs->uuid, top, &pct, &deleted, &failed);
        close(top);
        for (char **d = deleted; d && *d; d++)
                printf("deleted %s (space guard: less than %.0f%% free)\n", *d, SNAP_GUARD_PRUNE_PCT);
        for (char **d = failed; d && *d; d++)
                log_error("snapshot: space guard could not delete '%s'", *d);
        if (r < 0)
                return log_error_errno(r, "snapshot: cannot measure free space on %s: %m", fs->uuid), EXIT_UNKNOWN;
        if (pct < SNAP_GUARD_REFUSE_PCT) {
                log_error("snapshot: %s: only %.1f%% free on filesystem %s (less than %.0f%%): no new snapshot; "
                          "free space or delete pinned snapshots (--delete ID --force)",
                          sv->mountpoint, pct, fs->uuid, SNAP_GUARD_REFUSE_PCT);
                return EXIT_UNKNOWN;
        }
        r = snap_create(state_fd, sv, fs, &co, &s);
        if (r == 1) {
                printf("%s unchanged since its newest snapshot: none made\n", sv->mountpoint);
                return EXIT_OK;
        }
        if (r < 0)
                return log_error_errno(r, "snapshot: cannot snapshot %s (%s): %m", sv->mountpoint, sv->path),
                       EXIT_UNKNOWN;
        printf("created %s (%s, %s)\n", s.id, s.source, snap_kind_to_string(s.kind));
        if (ret_id)
                *ret_id = xstrdup(s.id);
        snap_info_done(&s);
        return EXIT_OK;
}

static int do_create(struct cmd_ctx *ctx, const struct sopts *o, int state_fd, const struct snap_layout *l,
                     char **names) {
        const struct snap_subvol **sel = NULL;
        struct snap_info pre = {};
        size_t n_sel = 0;
        int code = EXIT_OK, r;

        if (o->post) {
                r = snap_sidecar_load(state_fd, o->post, &pre);
                if (r < 0)
                        return log_error_errno(r, "snapshot: no pre snapshot '%s': %m", o->post), EXIT_USAGE;
                if (pre.kind != SNAP_PRE) {
                        log_error("snapshot: '%s' is a %s snapshot, not a pre snapshot", o->post,
                                  snap_kind_to_string(pre.kind));
                        snap_info_done(&pre);
                        return EXIT_USAGE;
                }
        }
        for (char **w = names; w && *w; w++) {
                const struct snap_subvol *sv = snap_layout_find(l, *w);
                if (!sv) {
                        log_error("snapshot: '%s' is not a mounted btrfs subvolume; nothing changed", *w);
                        free(sel);
                        snap_info_done(&pre);
                        return EXIT_USAGE;
                }
                *(const struct snap_subvol **) array_grow(&sel, &n_sel, sizeof *sel) = sv;
        }
        if (n_sel == 0)
                for (size_t i = 0; i < l->n_subvols; i++) {
                        const struct snap_subvol *sv = &l->subvols[i];
                        if (sv->excluded || (o->post && !streq_ptr(sv->path, pre.source)))
                                continue;
                        *(const struct snap_subvol **) array_grow(&sel, &n_sel, sizeof *sel) = sv;
                }
        if (n_sel == 0) {
                log_error("snapshot: no btrfs subvolume is mounted by path here; nothing to snapshot");
                snap_info_done(&pre);
                return EXIT_USAGE;
        }
        for (size_t i = 0; i < n_sel; i++) {
                _cleanup_free_ char *id = NULL;
                if (o->dry_run) {
                        printf("would snapshot %s (%s)\n", sel[i]->mountpoint, sel[i]->path);
                        continue;
                }
                r = create_one(ctx, o, state_fd, l, sel[i], o->post, &id);
                if (r != EXIT_OK)
                        code = r;
                if (id && o->post) {
                        /* the pre snapshot learns its pair */
                        free(pre.pair);
                        pre.pair = xstrdup(id);
                        (void) snap_sidecar_write(state_fd, &pre);
                }
        }
        free(sel);
        snap_info_done(&pre);
        return code;
}

static int do_restore(struct cmd_ctx *ctx, const struct sopts *o, int state_fd, const struct snap_layout *l) {
        struct snap_restore_plan p = {};
        enum snap_restore_result res = RESTORE_DRY_RUN;
        int r = snap_restore(ctx->sr, state_fd, l, o->id, o->dry_run, o->force, &p, &res);

        if (r == -ENOENT)
                return log_error("snapshot: no snapshot '%s' (see 'vpstune snapshot --list')", o->id), EXIT_USAGE;
        if (r == -ENXIO)
                return log_error("snapshot: the source of '%s' is not a subvolume mounted by path here", o->id),
                       EXIT_USAGE;
        if (r == -EBUSY)
                return log_error("snapshot: an interrupted restore is pending: run 'vpstune snapshot --recover' "
                                 "first"), EXIT_UNKNOWN;
        if (r < 0)
                return log_error_errno(r, "snapshot: cannot restore '%s': %m (see 'vpstune snapshot --recover')",
                                       o->id), EXIT_UNKNOWN;
        if (res == RESTORE_DRY_RUN) {
                printf("dry run%s: restore of %s from %s would\n", p.is_root && !o->dry_run ?
                       " (/ is restored only with --force)" : "", p.mountpoint, p.snapshot);
                for (char **s = p.steps; s && *s; s++)
                        printf("  %s\n", *s);
        } else if (res == RESTORE_DONE)
                printf("restored %s from %s; the old subvolume is kept as %s\n", p.mountpoint, p.snapshot,
                       p.rollback_name);
        else
                printf("restore of %s from %s scheduled for the next boot (%s); until then the old subvolume, "
                       "now named %s, stays mounted; 'vpstune snapshot --recover' switches when it is idle\n",
                       p.mountpoint, p.snapshot, p.is_root ? "/ cannot be unmounted" : "busy", p.rollback_name);
        snap_restore_plan_done(&p);
        return EXIT_OK;
}

static int do_recover(struct cmd_ctx *ctx, int state_fd, const struct snap_layout *l) {
        const char *what = "none";
        int r = snap_recover(ctx->sr, state_fd, l, &what);
        if (r < 0)
                return log_error_errno(r, "snapshot: cannot recover the interrupted restore: %m"), EXIT_UNKNOWN;
        if (streq(what, "none"))
                printf("no interrupted restore\n");
        else if (streq(what, "scheduled"))
                printf("restore finished on disk; the mount switches at the next boot (still busy)\n");
        else
                printf("interrupted restore %s\n", what);
        return EXIT_OK;
}

static int parse_opts(int argc, char **argv, struct sopts *o) {
        static const struct option opts[] = {
                { "pre", required_argument, NULL, OPT_PRE },
                { "post", required_argument, NULL, OPT_POST },
                { "tag", required_argument, NULL, OPT_TAG },
                { "description", required_argument, NULL, OPT_DESC },
                { "if-changed", no_argument, NULL, OPT_IF_CHANGED },
                { "list", no_argument, NULL, 'l' },
                { "prune", no_argument, NULL, OPT_PRUNE },
                { "delete", required_argument, NULL, OPT_DELETE },
                { "restore", required_argument, NULL, OPT_RESTORE },
                { "recover", no_argument, NULL, OPT_RECOVER },
                { "dry-run", no_argument, NULL, 'n' },
                { "force", no_argument, NULL, OPT_FORCE },
                { "preserve-min", required_argument, NULL, OPT_PRESERVE_MIN },
                { "preserve", required_argument, NULL, OPT_PRESERVE },
                { "max-pairs", required_argument, NULL, OPT_MAX_PAIRS },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        unsigned modes = 0, u;
        int c;

        snap_policy_default(&o->policy);
        while ((c = getopt_long(argc, argv, "lnjh", opts, NULL)) != -1)
                switch (c) {
                case OPT_PRE: o->pre = optarg; break;
                case OPT_POST: o->post = optarg; break;
                case OPT_TAG:
                        if (!snap_id_is_valid(optarg)) {
                                log_error("snapshot: bad tag '%s'", optarg);
                                return -EINVAL;
                        }
                        strv_push(&o->tags, optarg);
                        break;
                case OPT_DESC: o->desc = optarg; break;
                case OPT_IF_CHANGED: o->if_changed = true; break;
                case 'l': o->mode = M_LIST; modes++; break;
                case OPT_PRUNE: o->mode = M_PRUNE; modes++; break;
                case OPT_DELETE: o->mode = M_DELETE; o->id = optarg; modes++; break;
                case OPT_RESTORE: o->mode = M_RESTORE; o->id = optarg; modes++; break;
                case OPT_RECOVER: o->mode = M_RECOVER; modes++; break;
                case 'n': o->dry_run = true; break;
                case OPT_FORCE: o->force = true; break;
                case OPT_PRESERVE_MIN:
                        if (snap_policy_parse_min(&o->policy, optarg) < 0) {
                                log_error("snapshot: --preserve-min '%s': want N[hdwmy], all, latest or no", optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_PRESERVE:
                        if (snap_policy_parse_preserve(&o->policy, optarg) < 0) {
                                log_error("snapshot: --preserve '%s': want btrbk's \"[N|*]h [N|*]d [N|*]w "
                                          "[N|*]m [N|*]y\" or no", optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_MAX_PAIRS:
                        if (safe_atou(optarg, &u) < 0 || u > 100000) {
                                log_error("snapshot: --max-pairs '%s' is not a count", optarg);
                                return -EINVAL;
                        }
                        o->policy.max_pairs = u;
                        break;
                case 'j': o->json = true; break;
                case 'h': return 1;
                default: return -EINVAL;
                }
        if (modes > 1) {
                log_error("snapshot: --list, --prune, --delete, --restore and --recover exclude each other");
                return -EINVAL;
        }
        if (o->pre && o->post) {
                log_error("snapshot: --pre and --post exclude each other");
                return -EINVAL;
        }
        if (o->mode != M_CREATE && (o->pre || o->post || o->tags || o->desc || o->if_changed)) {
                log_error("snapshot: --pre, --post, --tag, --description and --if-changed are for making snapshots");
                return -EINVAL;
        }
        if (optind < argc && o->mode != M_CREATE && o->mode != M_LIST && o->mode != M_PRUNE) {
                log_error("snapshot: subvolumes are named only to make, list or prune snapshots");
                return -EINVAL;
        }
        o->names = argv + optind;
        if (o->id && !snap_id_is_valid(o->id)) {
                log_error("snapshot: '%s' is not a snapshot ID", o->id);
                return -EINVAL;
        }
        if (o->post && !snap_id_is_valid(o->post)) {
                log_error("snapshot: '%s' is not a snapshot ID", o->post);
                return -EINVAL;
        }
        return 0;
}

CMD(snapshot) {
        _cleanup_free_ char *sd = NULL;
        struct sopts o = {};
        struct snap_layout l = {};
        int r, fd = -1, lock = -1, code;

        r = parse_opts(argc, argv, &o);
        if (r != 0) {
                strv_free(o.tags);
                if (r > 0)
                        snapshot_help();
                return r > 0 ? EXIT_OK : EXIT_USAGE;
        }
        if (o.mode == M_LIST)
                return do_list(ctx, &o);
        if (!(o.dry_run && o.mode == M_PRUNE) && !can_change(ctx, "making or deleting snapshots")) {
                strv_free(o.tags);
                return sysroot_is_live(ctx->sr) ? EXIT_UNKNOWN : EXIT_USAGE;
        }
        r = snap_discover(ctx->sr, &l);
        if (r < 0) {
                strv_free(o.tags);
                return log_error_errno(r, "snapshot: cannot read the mounts: %m"), EXIT_UNKNOWN;
        }
        r = open_state(ctx, !o.dry_run, &sd, &fd);
        if (r == -ENOENT && o.dry_run)
                fd = -1; /* nothing recorded yet: no sidecars, what is on disk still counts */
        else if (r < 0) {
                log_error_errno(r, "snapshot: state directory '%s' is unusable: %m", sd);
                code = EXIT_UNKNOWN;
                goto out;
        }
        if (!o.dry_run && (code = cmd_lock_state(fd, sd, false, &lock, "snapshot")) != EXIT_OK)
                goto out;
        switch (o.mode) {
        case M_PRUNE: code = do_prune(ctx, &o, fd, &l); break;
        case M_DELETE: code = do_delete(ctx, &o, fd, &l); break;
        case M_RESTORE: code = do_restore(ctx, &o, fd, &l); break;
        case M_RECOVER: code = do_recover(ctx, fd, &l); break;
        default: code = do_create(ctx, &o, fd, &l, o.names); break;
        }
out:
        if (lock >= 0)
                journal_unlock(lock);
        if (fd >= 0)
                close(fd);
        snap_layout_done(&l);
        strv_free(o.tags);
        return code;
}
