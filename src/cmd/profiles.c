/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>

#include "cmd/common.h"
#include "log.h"
#include "output/json.h"
#include "output/table.h"
#include "util.h"

static void profiles_help(void) {
        printf("Usage: vpstune [--root DIR] profiles [--json] [-o FILE]\n"
               "\n"
               "Lists the built-in profiles and those installed in\n"
               "/usr/lib/vpstune/profiles/NAME/ and /etc/vpstune/profiles/NAME/ (a later\n"
               "one of the same name wins), with their summaries. Any TuneD tuned.conf\n"
               "can also be given by path: vpstune -p /usr/lib/tuned/virtual-guest/tuned.conf plan\n"
               "\n"
               "  -j, --json   machine-readable output\n"
               "  -o, --output FILE  write to FILE atomically (- is standard output)\n"
               "  -h, --help   this help\n");
}

CMD(profiles) {
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'j' },
                { "output", required_argument, NULL, 'o' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct profile_info *l = NULL;
        size_t n = 0;
        const char *output = NULL;
        struct cmd_output out;
        bool json = false;
        FILE *f;
        int c, r;

        while ((c = cmd_getopt(argc, argv, "jo:h", opts)) != -1)
                switch (c) {
                case 'j':
                        json = true;
                        break;
                case 'o':
                        output = optarg;
                        break;
                case 'h':
                        profiles_help();
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("profiles: unexpected argument '%s' (try 'vpstune profiles --help')", argv[optind]);
                return EXIT_USAGE;
        }
        r = profile_list(ctx->sr, &l, &n);
        if (r < 0) {
                log_error_errno(r, "profiles: cannot list profiles: %m");
                return exit_code_from_errno(r);
        }
        f = cmd_output_open(&out, output);
        if (json) {
                struct json_object *o = json_doc_new(1);
                struct json_object *a = json_object_new_array();
                for (size_t i = 0; i < n; i++) {
                        struct json_object *e = json_object_new_object();
                        json_add_str(e, "name", l[i].name);
                        json_add_str(e, "origin", profile_origin_to_string(l[i].origin));
                        json_add_str(e, "summary", l[i].summary);
                        json_add_str(e, "path", l[i].path);
                        json_add_bool(e, "shadows", l[i].shadows);
                        json_add_str(e, "error", l[i].error);
                        json_add_bool(e, "default", streq(l[i].name, DEFAULT_PROFILE));
                        json_object_array_add(a, e);
                }
                json_object_object_add(o, "profiles", a);
                r = json_print(o, f, 1);
                json_object_put(o);
        } else {
                _cleanup_(table_freep) struct table *t = table_new(3);
                table_set_column(t, 0, "NAME", TABLE_LEFT);
                table_set_column(t, 1, "ORIGIN", TABLE_LEFT);
                table_set_column(t, 2, "SUMMARY", TABLE_LEFT);
                for (size_t i = 0; i < n; i++) {
                        _cleanup_free_ char *name = xasprintf("%s%s", l[i].name,
                                                              streq(l[i].name, DEFAULT_PROFILE) ? " (default)" : "");
                        _cleanup_free_ char *sum = l[i].error ? xasprintf("error: %s", l[i].error)
                                                              : xstrdup(l[i].summary ? l[i].summary : "");
                        const char *cells[] = { name, profile_origin_to_string(l[i].origin), sum };
                        table_add_row(t, cells);
                }
                r = table_print(t, f, output ? false : ctx->color, true);
        }
        profile_info_free_many(l, n);
        c = cmd_output_close(&out, "profiles");
        if (c != EXIT_OK)
                return c;
        return r < 0 ? EXIT_UNKNOWN : EXIT_OK;
}
