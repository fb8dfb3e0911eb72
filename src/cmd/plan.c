/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>

#include "cmd/common.h"
#include "log.h"
#include "output/json.h"
#include "output/plan-render.h"

static void plan_help(void) {
        printf("Usage: vpstune [--root DIR] plan [-p PROFILE] [--json] [-o FILE]\n"
               "\n"
               "Shows what 'apply' would change on this machine, and why: every item of\n"
               "the profile with its knob, current value, target, status (ok, drift,\n"
               "absent, unsupported, error), whether it can change at runtime, where it\n"
               "persists, and a note with the trade-off or the correction of the seed.\n"
               "Read-only. The default profile is " DEFAULT_PROFILE ".\n"
               "\n"
               "  -p, --profile NAME|PATH  built-in or installed profile, or a file\n"
               "                           (a TuneD tuned.conf works)\n"
               "  -j, --json               machine-readable output\n"
               "  -o, --output FILE        write to FILE atomically (- is standard output)\n"
               "  -h, --help               this help\n");
}

CMD(plan) {
        static const struct option opts[] = {
                { "profile", required_argument, NULL, 'p' },
                { "json", no_argument, NULL, 'j' },
                { "output", required_argument, NULL, 'o' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        const char *profile = NULL, *output = NULL;
        struct cmd_output out;
        FILE *f;
        struct loaded l = {};
        bool json = false;
        int c, r;

        while ((c = cmd_getopt(argc, argv, "p:jo:h", opts)) != -1)
                switch (c) {
                case 'p':
                        profile = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'o':
                        output = optarg;
                        break;
                case 'h':
                        plan_help();
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("plan: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        ctx->facts_scope = FACTS_NO_IDS; /* compares values, names no UUIDs */
        r = cmd_load(ctx, profile, true, &l);
        if (r != EXIT_OK)
                return r;
        f = cmd_output_open(&out, output);
        if (json) {
                struct json_object *o = plan_to_json(l.plan);
                r = json_print(o, f, 1);
                json_object_put(o);
        } else
                r = plan_print_text(l.plan, f, output ? false : ctx->color, false);
        loaded_done(&l);
        c = cmd_output_close(&out, "plan");
        if (c != EXIT_OK)
                return c;
        return r < 0 ? EXIT_UNKNOWN : EXIT_OK;
}
