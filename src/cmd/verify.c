/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/common.h"
#include "log.h"
#include "output/json.h"
#include "output/plan-render.h"
#include "util.h"

static void verify_help(void) {
        printf("Usage: vpstune [--root DIR] verify [-p PROFILE] [--format FORMAT] [-o FILE]\n"
               "\n"
               "Checks that every tuning of the profile is in effect on this machine (or\n"
               "the sysroot given with --root): sysctls, I/O schedulers and read-ahead of\n"
               "the disks that exist here, btrfs options as the kernel really shows them\n"
               "(filesystem-wide), the btrfs read-ahead, no-COW and compression, zram,\n"
               "the container storage driver (podman info when podman is installed, else\n"
               "storage.conf) and nix.conf.\n"
               "\n"
               "  -p, --profile NAME|PATH   profile (default " DEFAULT_PROFILE ")\n"
               "  -f, --format FORMAT       text, json, tap, prometheus or nagios\n"
               "  -o, --output FILE         write to FILE atomically (for node_exporter's\n"
               "                            textfile collector)\n"
               "  -h, --help                this help\n"
               "\n"
               "Exit status: 0 all in effect; 1 drift; 2 usage or profile error; 3 some\n"
               "items could not be read. With --format nagios: 0 OK, 1 WARNING,\n"
               "3 UNKNOWN (the plugin convention).\n");
}

enum format { FMT_TEXT, FMT_JSON, FMT_TAP, FMT_PROMETHEUS, FMT_NAGIOS };

static int parse_format(const char *s, enum format *ret) {
        static const char *const names[] = { "text", "json", "tap", "prometheus", "nagios" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(s, names[i])) {
                        *ret = (enum format) i;
                        return 0;
                }
        return -EINVAL;
}

static int render(const struct plan *p, enum format fmt, FILE *o, bool color, int *ret_nagios) {
        switch (fmt) {
        case FMT_JSON:
                return json_print_consume(plan_to_json(p), o, 1);
        case FMT_TAP:
                return plan_print_tap(p, o);
        case FMT_PROMETHEUS:
                return plan_print_prometheus(p, o, "vpstune");
        case FMT_NAGIOS:
                return plan_print_nagios(p, o, ret_nagios);
        default:
                return plan_print_text(p, o, color, true);
        }
}

CMD(verify) {
        static const struct option opts[] = {
                { "profile", required_argument, NULL, 'p' },
                { "format", required_argument, NULL, 'f' },
                { "output", required_argument, NULL, 'o' },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        const char *profile = NULL, *output = NULL;
        enum format fmt = FMT_TEXT;
        struct plan_summary s;
        struct loaded l = {};
        int c, r, nagios = 0, code;

        while ((c = cmd_getopt(argc, argv, "p:f:o:jh", opts)) != -1)
                switch (c) {
                case 'p':
                        profile = optarg;
                        break;
                case 'f':
                        if (parse_format(optarg, &fmt) < 0) {
                                log_error("verify: unknown format '%s' (text, json, tap, prometheus, nagios)", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case 'j':
                        fmt = FMT_JSON;
                        break;
                case 'o':
                        output = optarg;
                        break;
                case 'h':
                        verify_help();
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("verify: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        ctx->facts_scope = FACTS_NO_IDS; /* compares values, names no UUIDs */
        r = cmd_load(ctx, profile, true, &l);
        if (r != EXIT_OK)
                return fmt == FMT_NAGIOS ? 3 : r;

        {
                struct cmd_output out;
                FILE *o = cmd_output_open(&out, output);
                r = render(l.plan, fmt, o, output ? false : ctx->color, &nagios);
                code = cmd_output_close(&out, "verify");
        }

        plan_summarize(l.plan, &s);
        loaded_done(&l);
        if (code != EXIT_OK)
                return code;
        if (r < 0)
                return EXIT_UNKNOWN;
        if (fmt == FMT_NAGIOS)
                return nagios;
        code = s.count[ITEM_DRIFT] > 0 ? EXIT_FINDINGS : s.count[ITEM_ERROR] > 0 ? EXIT_UNKNOWN : EXIT_OK;
        return code;
}
