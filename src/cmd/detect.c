/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>

#include "cmd/common.h"
#include "facts/facts.h"
#include "log.h"
#include "output/facts-render.h"
#include "output/json.h"

static void detect_help(void) {
        printf("Usage: vpstune [--root DIR] [-v] detect [--json | --record-live] [-o FILE]\n"
               "\n"
               "Reports what this machine really is: virtualization (VM and container\n"
               "layers apart), CPU and microarchitecture, memory, swap and zram, disks\n"
               "with their transport, scheduler and read-ahead, partitions, mounted\n"
               "filesystems with per-mount and filesystem-wide options, btrfs subvolumes\n"
               "and read-ahead, and the OS. Read-only; needs no root (some fields, such\n"
               "as partition UUIDs on the live machine, are unknown without it).\n"
               "\n"
               "With -v, the text names the evidence behind the virtualization answer\n"
               "(the JSON always carries it: virt.evidence, virt.confidence).\n"
               "\n"
               "  -j, --json       machine-readable output (schema_version 1)\n"
               "      --record-live\n"
               "                   print what only this running machine can tell (CPUID's\n"
               "                   hypervisor leaves, the filesystem identifiers blkid found)\n"
               "                   as the file " FACTS_LIVE_RECORD " that tests/capture-sysroot.sh\n"
               "                   puts in a capture, so --root CAPTURE decides the same\n"
               "  -o, --output FILE\n"
               "                   write to FILE atomically (see vpstune(8), OUTPUT FILES;\n"
               "                   - is standard output)\n"
               "  -h, --help       this help\n");
}

CMD(detect) {
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'j' },
                { "record-live", no_argument, NULL, 'R' },
                { "output", required_argument, NULL, 'o' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(facts_freep) struct facts *f = NULL;
        const char *output = NULL;
        struct cmd_output out;
        bool json = false, record = false;
        FILE *o;
        int c, r;

        while ((c = cmd_getopt(argc, argv, "jo:h", opts)) != -1)
                switch (c) {
                case 'j':
                        json = true;
                        break;
                case 'o':
                        output = optarg;
                        break;
                case 'R':
                        record = true;
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

        if (record && (json || !sysroot_is_live(ctx->sr))) {
                log_error("detect: --record-live %s", json ? "and --json do not go together"
                                                          : "records the live machine only (no --root)");
                return EXIT_USAGE;
        }

        r = facts_gather(ctx->sr, &f);
        if (r < 0) {
                log_error_errno(r, "detect: cannot gather facts from '%s': %m", ctx->root);
                return exit_code_from_errno(r);
        }
        o = cmd_output_open(&out, output);
        if (record)
                r = facts_print_live_record(ctx->sr, f, o);
        else if (json) {
                r = json_print_consume(facts_to_json(f), o, 1);
        } else
                r = facts_print_text(f, o, output ? false : ctx->color, ctx->verbosity > 0);
        c = cmd_output_close(&out, "detect");
        if (c != EXIT_OK)
                return c;
        return r < 0 ? EXIT_UNKNOWN : EXIT_OK;
}
