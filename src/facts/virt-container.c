/* SPDX-License-Identifier: MIT */
/*
 * Container layer, probed most explicit first; the first answer wins: what
 * the container manager tells us (/run/systemd/container, PID 1's
 * $container), the engines' marker files (/run/.containerenv, /.dockerenv),
 * OpenVZ's /proc/vz, cgroup paths, then WSL's kernel release (systemd's
 * detect_container() order, with the cgroup paths virt-what reads).
 */
#include "facts/virt-internal.h"

#include <errno.h>
#include <stdio.h>

#include "log.h"
#include "util.h"

/* Names as container managers spell $container (systemd's container
 * table); anything else is "other". */
static const char *const container_names[] = {
        "lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "rkt", "wsl", "proot", "pouch",
};

static const char *container_from_name(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(container_names); i++)
                if (streq(s, container_names[i]))
                        return container_names[i];
        return "other";
}

static const char *detect_container_systemd(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *s = virt_read_small(sr, SR_RUN, "systemd/container");

        if (!s || !*s)
                return NULL;
        virt_evidence_file(f, SR_RUN, "systemd/container", s);
        return container_from_name(s);
}

static const char *detect_container_environ(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *env = NULL;
        const char *p;
        int r;

        /* NUL-separated; sysroot_read_file made the NULs spaces. */
        r = sysroot_read_file(sr, SR_PROC, "1/environ", 64 * 1024, &env, NULL, NULL);
        if (r < 0) {
                if (r != -ENOENT)
                        log_debug_topic("virt", "pid 1 environment: %s", strerror(-r));
                return NULL;
        }
        for (p = env; (p = strstr(p, "container=")); p++) {
                _cleanup_free_ char *v = NULL;
                size_t l;

                if (p != env && p[-1] != ' ')
                        continue;
                p += strlen("container=");
                l = strcspn(p, " \n");
                if (l == 0)
                        return NULL;
                v = virt_sanitize(p, l > 64 ? 64 : l);
                virt_evidence(f, "pid 1 environment: container=%s", v);
                return container_from_name(v);
        }
        return NULL;
}

static const char *detect_container_files(struct sysroot *sr, struct facts *f) {
        static const struct {
                enum sr_base base;
                const char *rel, *container;
        } markers[] = {
                { SR_RUN, ".containerenv", "podman" },
                { SR_ROOT, ".dockerenv", "docker" },
        };

        for (size_t i = 0; i < ELEMENTSOF(markers); i++)
                if (sysroot_exists(sr, markers[i].base, markers[i].rel)) {
                        _cleanup_free_ char *p = sysroot_display_path(markers[i].base, markers[i].rel);
                        virt_evidence(f, "%s exists", p);
                        return markers[i].container;
                }
        return NULL;
}

static const char *detect_container_openvz(struct sysroot *sr, struct facts *f) {
        /* /proc/vz exists on the OpenVZ host too; /proc/bc only there. */
        if (!sysroot_exists(sr, SR_PROC, "vz") || sysroot_exists(sr, SR_PROC, "bc"))
                return NULL;
        virt_evidence_file(f, SR_PROC, "vz", "exists, and no bc beside it");
        return "openvz";
}

static const char *detect_container_cgroup(struct sysroot *sr, struct facts *f) {
        static const struct {
                const char *needle, *container;
        } cgroup_table[] = {
                { "/docker/", "docker" },
                { "/docker-", "docker" },       /* systemd cgroup driver: docker-ID.scope */
                { "/libpod-", "podman" },
                { "/lxc/", "lxc" },
                { "/lxc.payload", "lxc" },
                { "kubepods", "kubernetes" },
        };
        static const char *const files[] = { "1/cgroup", "self/cgroup" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *text = NULL;

                if (sysroot_read_file(sr, SR_PROC, files[i], 64 * 1024, &text, NULL, NULL) < 0)
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(cgroup_table); j++)
                        if (strstr(text, cgroup_table[j].needle)) {
                                _cleanup_free_ char *what = xasprintf("contains \"%s\"", cgroup_table[j].needle);
                                virt_evidence_file(f, SR_PROC, files[i], what);
                                return cgroup_table[j].container;
                        }
                /* PID 1's view is the container's own; ours is only the
                 * fallback when PID 1 cannot be read. */
                return NULL;
        }
        return NULL;
}

static const char *detect_container_wsl(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *own = NULL, *shown = NULL;
        const char *rel = f->kernel_release;

        if (!rel)
                rel = own = virt_read_small(sr, SR_PROC, "sys/kernel/osrelease");
        if (!rel || !(strcasestr(rel, "microsoft") || strstr(rel, "WSL")))
                return NULL;
        shown = virt_sanitize(rel, strlen(rel));
        virt_evidence(f, "kernel release: %s", shown);
        return "wsl";
}

const char *virt_detect_container(struct sysroot *sr, struct facts *f) {
        const char *(*const probes[])(struct sysroot *, struct facts *) = {
                detect_container_systemd, detect_container_environ, detect_container_files,
                detect_container_openvz, detect_container_cgroup, detect_container_wsl,
        };
        const char *c = NULL;

        for (size_t i = 0; i < ELEMENTSOF(probes) && !c; i++)
                c = probes[i](sr, f);
        log_debug_topic("virt", "container=%s", strna(c));
        return c;
}

