/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "apply/journal.h"
#include "cmd/common.h"
#include "health/health.h"
#include "log.h"
#include "output/health-render.h"
#include "output/json.h"
#include "output/stdout.h"
#include "profile/health-section.h"
#include "util.h"

static void health_help(void) {
        printf("Usage: vpstune [--root DIR] [--state-dir DIR] health [--format FORMAT] [-o FILE]\n"
               "                [--only CHECK,...] [--ack CHECK] [-p PROFILE] [-v]\n"
               "\n"
               "Maintenance checks that judge and say what to do next: space, btrfs\n"
               "allocation, device errors, scrub age, balance need, compression, zram,\n"
               "pressure, CPU steal, SMART, kernel errors, tuning drift, timers, snapshots.\n"
               "Thresholds come from the profile's [health] section.\n"
               "\n"
               "  -f, --format FORMAT   text (default), json, nagios or prometheus\n"
               "      --json            same as --format json\n"
               "  -o, --output FILE     write atomically (node_exporter's textfile collector)\n"
               "      --only CHECK,...  run only these checks\n"
               "      --ack CHECK       accept today's state (btrfs.device_errors: the current\n"
               "                        counters become the baseline)\n"
               "  -p, --profile NAME    profile for thresholds and tuning.drift (default " DEFAULT_PROFILE ")\n"
               "  -v                    show each check's evidence (text)\n"
               "  -h, --help            this help\n"
               "\n"
               "Checks:\n");
        for (size_t i = 0; i < health_n_checks; i++)
                printf("  %-20s %s\n", health_checks[i]->id, health_checks[i]->description);
        printf("\n"
               "Exit status: 0 no findings; 1 a warning or critical finding; 2 usage or\n"
               "profile error; 3 a check named with --only could not be determined.\n"
               "With --format nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n");
}

enum format { FMT_TEXT, FMT_JSON, FMT_NAGIOS, FMT_PROMETHEUS };

static int render(const struct health_report *r, enum format fmt, char *const *only, FILE *o, bool color,
                  bool verbose, int *ret_nagios) {
        switch (fmt) {
        case FMT_JSON:
                return json_print_consume(health_to_json(r), o, 1);
        case FMT_NAGIOS:
                return health_print_nagios(r, only, o, ret_nagios);
        case FMT_PROMETHEUS:
                return health_print_prometheus(r, o);
        default:
                return health_print_text(r, o, color, verbose);
        }
}

static time_t health_now(void) {
        /* Tests pin the clock (scrub and timer ages in golden output). */
        const char *e = getenv("VPSTUNE_NOW");
        int64_t v;
        if (e && safe_atoi64(e, &v) >= 0 && v > 0)
                return (time_t) v;
        return time(NULL);
}

CMD(health) {
        static const struct option opts[] = {
                { "format", required_argument, NULL, 'f' },
                { "output", required_argument, NULL, 'o' },
                { "only", required_argument, NULL, 'O' },
                { "ack", required_argument, NULL, 'A' },
                { "profile", required_argument, NULL, 'p' },
                { "json", no_argument, NULL, 'j' },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        static const char *const fmt_names[] = { "text", "json", "nagios", "prometheus" };
        _cleanup_strv_ char **only = NULL, **ack = NULL;
        _cleanup_free_ char *state_dir = NULL, *err = NULL;
        const char *output = NULL, *profile = NULL;
        enum format fmt = FMT_TEXT;
        struct health_config cfg;
        struct health_report rep = {};
        struct health_ctx hc = {};
        struct loaded l = {};
        bool verbose = ctx->verbosity > 0;
        int c, r, nagios = 3, code;

        while ((c = cmd_getopt(argc, argv, "f:o:p:jvh", opts)) != -1)
                switch (c) {
                case 'f': {
                        size_t i;
                        for (i = 0; i < ELEMENTSOF(fmt_names); i++)
                                if (streq(optarg, fmt_names[i]))
                                        break;
                        if (i == ELEMENTSOF(fmt_names)) {
                                log_error("health: unknown format '%s' (text, json, nagios, prometheus)", optarg);
                                return EXIT_USAGE;
                        }
                        fmt = (enum format) i;
                        break;
                }
                case 'j':
                        fmt = FMT_JSON;
                        break;
                case 'o':
                        output = optarg;
                        break;
                case 'O':
                        cmd_parse_list(optarg, &only);
                        break;
                case 'A':
                        cmd_parse_list(optarg, &ack);
                        break;
                case 'p':
                        profile = optarg;
                        break;
                case 'v':
                        verbose = true;
                        break;
                case 'h':
                        health_help();
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("health: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        for (char **lists[] = { only, ack }, ***p = lists; p < lists + 2; p++)
                for (char **s = *p; s && *s; s++)
                        if (!health_check_find(*s)) {
                                log_error("health: no check named '%s' (vpstune health --help lists them)", *s);
                                return EXIT_USAGE;
                        }
        /* An acknowledged check runs, to record what was acknowledged. */
        for (char **s = ack; only && s && *s; s++)
                if (!strv_contains(only, *s))
                        strv_push(&only, *s);

        ctx->facts_scope = FACTS_NO_IDS;
        r = cmd_load(ctx, profile, false, &l);
        if (r != EXIT_OK)
                return fmt == FMT_NAGIOS ? 3 : r;
        health_config_defaults(&cfg);
        if (profile_health_config(l.profile, &cfg, &err) < 0) {
                log_error("%s", err);
                health_config_done(&cfg);
                loaded_done(&l);
                return fmt == FMT_NAGIOS ? 3 : EXIT_USAGE;
        }

        state_dir = ctx->state_dir ? xstrdup(ctx->state_dir) : journal_default_state_dir(ctx->root);
        hc = (struct health_ctx) { .sr = ctx->sr, .facts = l.facts, .cfg = &cfg, .now = health_now(), .ack = ack,
                                   .profile = l.profile, .profile_name = l.profile->name };
        r = health_state_load(state_dir, &hc.state);
        if (r < 0)
                strv_consume(&rep.warnings, xasprintf("previous state in %s unreadable (%s): this run is the baseline",
                                                      state_dir, strerror(-r)));
        r = health_run(&hc, only, &rep);
        if (r < 0) { /* ids were checked above */
                log_error_errno(r, "health: %m");
                code = EXIT_USAGE;
                goto finish;
        }
        r = health_state_save(hc.state, state_dir);
        if (r < 0) {
                char *w = xasprintf("state not saved in %s (%s): device error increases and the steal window "
                                    "are not tracked between runs", state_dir, strerror(-r));
                if (fmt == FMT_TEXT || output)
                        log_warning("health: %s", w);
                strv_consume(&rep.warnings, w);
                if (ack) {
                        log_error_errno(r, "health: --ack: cannot save the acknowledged state in '%s': %m", state_dir);
                        code = fmt == FMT_NAGIOS ? 3 : EXIT_UNKNOWN;
                        goto finish;
                }
        }

        {
                struct cmd_output out;
                FILE *o = cmd_output_open(&out, output);
                int w;
                r = render(&rep, fmt, only, o, output ? false : ctx->color, verbose, &nagios);
                w = cmd_output_close(&out, "health");
                if (w != EXIT_OK && r >= 0)
                        r = -EIO;
        }
        if (r < 0)
                code = EXIT_UNKNOWN;
        else if (fmt == FMT_NAGIOS)
                code = nagios;
        else
                switch (health_report_worst(&rep, only)) {
                case HEALTH_WARNING:
                case HEALTH_CRITICAL:
                        code = EXIT_FINDINGS;
                        break;
                case HEALTH_UNKNOWN:
                        code = EXIT_UNKNOWN;
                        break;
                default:
                        code = EXIT_OK;
                }
finish:
        health_report_done(&rep);
        health_state_free(hc.state);
        health_ctx_done(&hc);
        health_config_done(&cfg);
        loaded_done(&l);
        return code;
}
