/* SPDX-License-Identifier: MIT */
/*
 * vpstune check-config FILE...: device references in configuration files
 * that do not exist on this machine (the seed's "critical fix 1", found
 * before the machine fails to boot). The files are the user's, named on
 * the command line, so they are read with plain libc; the machine is read
 * through the sysroot (--root works).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "checkconfig/finder.h"
#include "checkconfig/resolve.h"
#include "cmd/cmd.h"
#include "facts/facts.h"
#include "generate/devlinks.h"
#include "log.h"
#include "output/json.h"
#include "util.h"

#define CHECK_CONFIG_SCHEMA_VERSION 1

static void check_config_help(void) {
        printf("Usage: vpstune [--root DIR] check-config [--json] FILE...\n"
               "\n"
               "Finds device references in configuration.nix, hardware-configuration.nix,\n"
               "disko files, fstab and crypttab (kernel names such as sdX, vdX, nvmeXnYpZ,\n"
               "mmcblkXpY under /dev, links under /dev/disk/by-{uuid,partuuid,label,id,path},\n"
               "UUID=, PARTUUID=, LABEL= and placeholders such as SYSTEM_DISK_UUID) and\n"
               "reports each one that does not exist on this machine (or the sysroot given\n"
               "with --root), with the closest real device: the partition holding the mount\n"
               "point the line is about, or the same partition number on the real disk.\n"
               "References in comments count too.\n"
               "\n"
               "  -j, --json    JSON: every reference found, with \"exists\"\n"
               "  -h, --help    this help\n"
               "\n"
               "Exit status: 0 every reference exists; 1 some do not; 2 usage error or a file\n"
               "cannot be read.\n");
}

static int read_text(const char *path, char **ret, size_t *ret_len) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;
        struct stat st;
        FILE *f;
        int r = 0, fd;

        /* A FIFO or a device would block or stream forever: open without
         * blocking and read regular files only. "-" is not special. */
        fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                r = S_ISDIR(st.st_mode) ? -EISDIR : -ENOTSUP;
                close(fd);
                return r;
        }
        f = fdopen(fd, "r");
        if (!f) {
                r = -errno;
                close(fd);
                return r;
        }
        for (;;) {
                size_t n;
                if (len + 4096 + 1 > cap) {
                        cap = cap ? cap * 2 : 16384;
                        buf = xrealloc(buf, cap);
                }
                n = fread(buf + len, 1, cap - len - 1, f);
                len += n;
                if (len > CC_TEXT_MAX) {
                        r = -EFBIG;
                        break;
                }
                if (n == 0) {
                        if (ferror(f))
                                r = -EIO;
                        break;
                }
        }
        fclose(f);
        if (r < 0)
                return r;
        if (!buf)
                buf = xstrdup("");
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

static void ref_to_json(struct json_object *arr, const char *file, const struct cc_ref *r,
                        const struct cc_verdict *v) {
        struct json_object *o = json_object_new_object();
        json_add_str(o, "file", file);
        json_add_u64(o, "line", r->line);
        json_add_u64(o, "column", r->column);
        json_add_str(o, "kind", cc_kind_to_string(r->kind));
        json_add_str(o, "text", r->text);
        json_add_str(o, "name", r->name);
        json_add_bool(o, "placeholder", r->placeholder);
        json_add_str(o, "mountpoint", r->mountpoint);
        json_add_bool(o, "exists", v->exists);
        json_add_str(o, "device", v->target);
        json_add_str(o, "message", v->message);
        json_add_str(o, "suggestion", v->suggestion);
        json_object_array_add(arr, o);
}

CMD(check_config) {
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(facts_freep) struct facts *f = NULL;
        _cleanup_(devlinks_freep) struct devlinks *links = NULL;
        struct json_object *doc = NULL, *arr = NULL;
        size_t total = 0, missing = 0;
        bool json = false, unreadable = false;
        int c, r;

        while ((c = cmd_getopt(argc, argv, "jh", opts)) != -1)
                switch (c) {
                case 'j':
                        json = true;
                        break;
                case 'h':
                        check_config_help();
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind >= argc) {
                log_error("check-config: which files? (vpstune check-config FILE...)");
                return EXIT_USAGE;
        }
        r = facts_gather(ctx->sr, &f);
        if (r < 0) {
                log_error_errno(r, "cannot gather facts from '%s': %m", ctx->root);
                return exit_code_from_errno(r);
        }
        devlinks_collect(ctx->sr, &links);
        if (json) {
                doc = json_doc_new(CHECK_CONFIG_SCHEMA_VERSION);
                json_add_str(doc, "root", ctx->root);
                arr = json_object_new_array();
        }
        for (int i = optind; i < argc; i++) {
                _cleanup_free_ char *text = NULL;
                struct cc_ref *refs = NULL;
                size_t len = 0, n = 0;

                r = read_text(argv[i], &text, &len);
                if (r == -ENOTSUP)
                        log_error("check-config: cannot read '%s': not a regular file (a FIFO or a device)",
                                  argv[i]);
                else if (r < 0)
                        log_error_errno(r, "check-config: cannot read '%s': %m", argv[i]);
                if (r < 0) {
                        unreadable = true;
                        continue;
                }
                cc_find_refs(text, len, &refs, &n);
                for (size_t k = 0; k < n; k++) {
                        struct cc_verdict v;
                        cc_resolve(f, links, &refs[k], &v);
                        total++;
                        if (!v.exists) {
                                missing++;
                                if (!json)
                                        printf("%s:%u: %s\n", argv[i], refs[k].line, v.message);
                        }
                        if (json)
                                ref_to_json(arr, argv[i], &refs[k], &v);
                        cc_verdict_done(&v);
                }
                cc_refs_free(refs, n);
        }
        if (json) {
                struct json_object *s = json_object_new_object();
                json_object_object_add(doc, "references", arr);
                json_add_u64(s, "references", total);
                json_add_u64(s, "missing", missing);
                json_object_object_add(doc, "summary", s);
                json_print(doc, stdout, 1);
                json_object_put(doc);
        }
        if (unreadable)
                return EXIT_USAGE;
        return missing > 0 ? EXIT_FINDINGS : EXIT_OK;
}
