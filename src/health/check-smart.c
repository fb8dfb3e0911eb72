/* SPDX-License-Identifier: MIT */
/*
 * smart: the disk's own health verdict (`smartctl -H -j`), for disks that
 * have SMART. Virtual disks (virtio-blk, virtio-scsi, xen) are emulated by
 * the hypervisor, which has no SMART to give (smartctl cannot see through
 * virtio): unsupported with that reason, not a failure. Loop devices are
 * files. Partitions, zram, dm and md are not disks here.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <unistd.h>

#include "exec.h"
#include "health/health.h"
#include "util.h"

static const char *why_unsupported(enum transport t) {
        switch (t) {
        case TRANSPORT_VIRTIO_BLK:
                return "virtio-blk disk: the hypervisor emulates it and has no SMART data to pass (the host's disks are the provider's to watch)";
        case TRANSPORT_VIRTIO_SCSI:
                return "virtio-scsi disk: emulated by the hypervisor (QEMU's disks answer SMART with nothing)";
        case TRANSPORT_XEN:
                return "xen virtual block device: no SMART through the paravirtual driver";
        case TRANSPORT_LOOP:
                return "loop device: a file on another filesystem, check the disk under it";
        default:
                return NULL;
        }
}

static void run(struct health_ctx *c, struct health_report *r) {
        const struct facts *f = c->facts;
        bool any = false;
        int have_smartctl = -1;

        for (size_t i = 0; f && i < f->n_disks; i++) {
                const struct disk_facts *d = &f->disks[i];
                const char *why;
                struct health_result *x;

                if (d->transport == TRANSPORT_ZRAM || d->transport == TRANSPORT_DM || d->transport == TRANSPORT_MD ||
                    d->size_bytes == 0)
                        continue;
                any = true;
                x = health_add(r, "smart", d->name);
                why = why_unsupported(d->transport);
                if (why) {
                        x->status = HEALTH_UNSUPPORTED;
                        health_set_summary(x, "%s", why);
                        continue;
                }
                if (!sysroot_is_live(c->sr)) {
                        health_set_summary(x, "%s disk: SMART is read from the live device", transport_to_string(d->transport));
                        continue;
                }
                if (have_smartctl < 0)
                        have_smartctl = exec_find("smartctl") > 0;
                if (!have_smartctl) {
                        health_set_summary(x, "smartctl is not installed");
                        health_set_remedy(x, "apt-get install smartmontools (or your distribution's package)");
                        continue;
                }
                {
                        _cleanup_free_ char *dev = sysroot_display_path(SR_DEV, d->name), *out = NULL;
                        char *argv[] = { (char *) "smartctl", (char *) "-H", (char *) "-j", dev, NULL };
                        struct json_object *j = NULL, *st, *passed;
                        int rc = exec_capture(argv, 10000, &out);
                        health_evidence(x, "smartctl -H -j %s: exit %d", dev, rc);
                        if (rc >= 0 && out)
                                j = json_tokener_parse(out);
                        if (j && json_object_object_get_ex(j, "smart_status", &st) &&
                            json_object_object_get_ex(st, "passed", &passed)) {
                                bool ok = json_object_get_boolean(passed);
                                x->status = ok ? HEALTH_OK : HEALTH_CRITICAL;
                                health_set_summary(x, ok ? "SMART overall health: passed" : "SMART overall health: FAILED");
                                if (!ok)
                                        health_set_remedy(x, "the disk predicts its failure: back up now and replace it "
                                                          "(`smartctl -a %s` for the attributes)", dev);
                        } else if (rc >= 0 && (rc & 0x4)) {
                                x->status = HEALTH_UNSUPPORTED;
                                health_set_summary(x, "the device does not answer SMART commands");
                        } else
                                health_set_summary(x, "smartctl gave no verdict%s", geteuid() == 0 ? "" : " (needs root)");
                        json_object_put(j);
                }
        }
        if (!any) {
                struct health_result *x = health_add(r, "smart", "-");
                x->status = HEALTH_UNSUPPORTED;
                health_set_summary(x, "no disks");
        }
}

const struct health_check health_check_smart = {
        .id = "smart",
        .description = "SMART verdict of physical disks (virtual disks: unsupported, with the reason)",
        .run = run,
};
