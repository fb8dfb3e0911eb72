/* SPDX-License-Identifier: MIT */
/*
 * vpstune generate TARGET: picks the emitter and writes stdout or -o FILE
 * atomically. Everything the output says comes from the same facts and
 * plan as apply (cmd_load), through src/generate/.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cmd/common.h"
#include "config.h"
#include "generate/generate.h"
#include "log.h"
#include "output/atomic.h"
#include "util.h"

static void generate_help(void) {
        printf("Usage: vpstune [--root DIR] generate TARGET [-p PROFILE] [-o FILE]\n"
               "\n"
               "Writes persistent configuration for this machine (or the sysroot given with\n"
               "--root) from the profile's plan: devices by UUID or by-id as detected, options\n"
               "only where they take effect. What the profile wants but this machine cannot\n"
               "have is left out with a comment saying why.\n"
               "\n"
               "Targets:\n");
        for (enum gen_target t = 0; t < _GEN_TARGET_MAX; t++)
                printf("  %-11s %s\n", gen_target_to_string(t), gen_target_summary(t));
        printf("\n"
               "  -p, --profile NAME|PATH   profile (default " DEFAULT_PROFILE ")\n"
               "  -o, --output FILE         write to FILE atomically; for systemd, an existing\n"
               "                            directory gets one file per unit\n"
               "      --exec-path PATH      systemd: the vpstune binary the units run\n"
               "                            (default " GEN_DEFAULT_EXEC_PATH ")\n"
               "      --prom-file FILE      systemd: where verify writes its metrics (default\n"
               "                            " GEN_DEFAULT_PROM_PATH ")\n"
               "  -h, --help                this help\n"
               "\n"
               "The header's date is SOURCE_DATE_EPOCH when set (reproducible output).\n"
               "Exit status: 0 written; 2 usage or profile error; 3 cannot write.\n");
}

/* One file of a directory we fill ourselves (systemd: one per unit). */
static int write_unit(const char *path, const char *buf, size_t len) {
        int r = output_write_atomic(path, buf, len, 0644);
        if (r < 0)
                log_error_errno(r, "generate: cannot write '%s': %m", path);
        return r;
}

/* -o FILE: the rules of output_write_file() (symlinks, FIFOs, devices). */
static int write_buffer(const char *path, const char *buf, size_t len) {
        _cleanup_free_ char *why = NULL;
        int r = output_write_file(path, buf, len, &why);
        if (r < 0 && why)
                log_error("generate: cannot write '%s': %s", path, why);
        else if (r < 0)
                log_error_errno(r, "generate: cannot write '%s': %m", path);
        return r;
}

/* Renders one file (or all of a target) into a buffer. */
static int render(const struct gen_ctx *g, enum gen_target t, const struct gen_file *one, char **ret_buf,
                  size_t *ret_len) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        int r;

        if (!m)
                abort();
        r = one ? one->emit(g, m) : gen_emit_all(g, t, m);
        if (fclose(m) != 0 && r >= 0)
                r = -EIO;
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret_buf = buf;
        *ret_len = len;
        return 0;
}

static int output(const struct gen_ctx *g, enum gen_target t, const char *path) {
        struct stat st;
        size_t n;
        const struct gen_file *files = gen_target_files(t, &n);
        char *buf = NULL;
        size_t len = 0;
        int r;

        if (path && n > 1) {
                /* Several files (systemd's units) go into a directory, one
                 * each: concatenated into one file they would be no unit. */
                if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
                        log_error("generate: %s writes %zu files, -o needs an existing directory ('%s' %s)",
                                  gen_target_to_string(t), n, path,
                                  stat(path, &st) < 0 ? "does not exist" : "is not a directory");
                        return -ENOTDIR;
                }
                for (size_t i = 0; i < n; i++) {
                        _cleanup_free_ char *f = xasprintf("%s/%s", path, files[i].name);
                        r = render(g, t, &files[i], &buf, &len);
                        if (r >= 0)
                                r = write_unit(f, buf, len);
                        free(buf);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        r = render(g, t, NULL, &buf, &len);
        if (r < 0)
                return log_error_errno(r, "generate: %m");
        if (path)
                r = write_buffer(path, buf, len);
        else if (fwrite(buf, 1, len, stdout) != len)
                r = -EIO; /* reported by stdout_close_checked() in main */
        free(buf);
        return r;
}

CMD(generate) {
        enum { OPT_EXEC = 0x100, OPT_PROM };
        static const struct option opts[] = {
                { "profile", required_argument, NULL, 'p' },
                { "output", required_argument, NULL, 'o' },
                { "exec-path", required_argument, NULL, OPT_EXEC },
                { "prom-file", required_argument, NULL, OPT_PROM },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(devlinks_freep) struct devlinks *links = NULL;
        const char *profile = NULL, *path = NULL;
        struct gen_ctx g = { .version = VPSTUNE_VERSION };
        struct loaded l = {};
        enum gen_target t;
        int c, r;

        while ((c = cmd_getopt(argc, argv, "p:o:h", opts)) != -1)
                switch (c) {
                case 'p':
                        profile = optarg;
                        break;
                case 'o':
                        path = optarg;
                        break;
                case OPT_EXEC:
                        g.exec_path = optarg;
                        break;
                case OPT_PROM:
                        g.prom_path = optarg;
                        break;
                case 'h':
                        generate_help();
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind >= argc) {
                log_error("generate: which target? (vpstune generate --help lists them)");
                return EXIT_USAGE;
        }
        if (gen_target_from_string(argv[optind], &t) < 0) {
                log_error("generate: unknown target '%s' (vpstune generate --help lists them)", argv[optind]);
                return EXIT_USAGE;
        }
        if (optind + 1 < argc) {
                log_error("generate: unexpected argument '%s'", argv[optind + 1]);
                return EXIT_USAGE;
        }
        if ((g.exec_path && g.exec_path[0] != '/') || (g.prom_path && g.prom_path[0] != '/')) {
                log_error("generate: --exec-path and --prom-file must be absolute paths");
                return EXIT_USAGE;
        }
        r = cmd_load(ctx, profile, true, &l);
        if (r != EXIT_OK)
                return r;
        r = devlinks_collect(ctx->sr, &links);
        if (r < 0) {
                loaded_done(&l);
                return log_error_errno(r, "generate: cannot list device links: %m"), EXIT_UNKNOWN;
        }
        g.f = l.facts;
        g.plan = l.plan;
        g.profile = l.profile;
        g.links = links;
        g.now = gen_now();
        r = output(&g, t, path);
        loaded_done(&l);
        /* A target refused for what it is (a directory, a link others could
         * have planted, no directory for systemd) is bad input. */
        if (r == -ENOTDIR || r == -EISDIR || r == -EINVAL || r == -EPERM)
                return EXIT_USAGE;
        return r < 0 ? EXIT_UNKNOWN : EXIT_OK;
}
