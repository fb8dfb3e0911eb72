/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "facts/facts.h"
#include "log.h"
#include "output/facts-render.h"
#include "output/json.h"

static void detect_help(void) {
        printf("Usage: vpstune [--root DIR] detect [--json]\n"
               "\n"
               "Reports what this machine really is: virtualization (VM and container\n"
               "layers apart), CPU and microarchitecture, memory, swap and zram, disks\n"
               "with their transport, scheduler and read-ahead, partitions, mounted\n"
               "filesystems with per-mount and filesystem-wide options, btrfs subvolumes\n"
               "and read-ahead, and the OS. Read-only; needs no root (some fields, such\n"
               "as partition UUIDs on the live machine, are unknown without it).\n"
               "\n"
               "  -j, --json   machine-readable output (schema_version 1)\n"
               "  -h, --help   this help\n");
}

CMD(detect) {
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(facts_freep) struct facts *f = NULL;
        bool json = false;
        int c, r;

        while ((c = cmd_getopt(argc, argv, "jh", opts)) != -1)
                switch (c) {
                case 'j':
                        json = true;
                        break;
                case 'h':
                        detect_help();
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("detect: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }

        r = facts_gather(ctx->sr, &f);
        if (r < 0) {
                log_error_errno(r, "detect: cannot gather facts from '%s': %m", ctx->root);
                return exit_code_from_errno(r);
        }
        if (json) {
                struct json_object *o = facts_to_json(f);
                r = json_print(o, stdout, 1);
                json_object_put(o);
        } else
                r = facts_print_text(f, stdout, ctx->color);
        return r < 0 ? EXIT_UNKNOWN : EXIT_OK;
}
