/* SPDX-License-Identifier: MIT */
/*
 * The units that keep a non-NixOS machine tuned: apply at boot, verify
 * hourly into node_exporter's textfile collector.
 *
 * Hardening is chosen per unit. apply writes /proc/sys, /sys (queue,
 * BDI, zram), inode flags anywhere (no-COW on /home/...), storage.conf and
 * nix.conf in /etc, and its journal in /var/lib/vpstune: so no
 * ProtectKernelTunables, ProtectSystem or ProtectHome there. verify only
 * reads, so it gets those, but it may run podman info (which takes locks
 * under /var/lib/containers and /run): ProtectSystem=full, not strict.
 */
#include "generate/gen-internal.h"
#include "util.h"

/* ExecStart= splits on whitespace; quote an argument that has any. */
static char *exec_arg(const char *s) {
        if (!strpbrk(s, " \t\"'\\$%;"))
                return xstrdup(s);
        return gen_nix_str(s); /* C-style escapes, which systemd also uses */
}

static void common_hardening(FILE *o) {
        fprintf(o, "NoNewPrivileges=yes\n"
                   "PrivateTmp=yes\n"
                   "RestrictRealtime=yes\n"
                   "RestrictSUIDSGID=yes\n"
                   "LockPersonality=yes\n"
                   "MemoryDenyWriteExecute=yes\n"
                   "SystemCallArchitectures=native\n"
                   "RestrictAddressFamilies=AF_UNIX AF_NETLINK\n");
}

int gen_emit_systemd_apply(const struct gen_ctx *g, FILE *o) {
        _cleanup_free_ char *exe = exec_arg(g->exec_path ? g->exec_path : GEN_DEFAULT_EXEC_PATH);
        _cleanup_free_ char *prof = exec_arg(gen_profile_arg(g));

        gen_header(g, o, "systemd",
                   "Install as /etc/systemd/system/vpstune-apply.service and enable it: "
                   "systemctl enable vpstune-apply.service. It applies the profile at every "
                   "boot, after the local filesystems are mounted (btrfs BDI read-ahead, no-COW "
                   "need them).",
                   (const char *const[]) { NULL });
        fprintf(o, "\n[Unit]\n"
                   "Description=Apply the vpstune profile %s\n"
                   "Documentation=man:vpstune(8)\n"
                   "After=local-fs.target systemd-udev-settle.service systemd-zram-setup@zram0.service\n"
                   "Before=vpstune-verify.service\n"
                   "\n[Service]\n"
                   "Type=oneshot\n"
                   "RemainAfterExit=yes\n"
                   "ExecStart=%s apply -p %s\n"
                   "StateDirectory=vpstune\n"
                   "StateDirectoryMode=0700\n",
                gen_profile_arg(g), exe, prof);
        gen_comment(o, "", "No ProtectKernelTunables/ProtectSystem/ProtectHome: apply writes "
                    "sysctls, sysfs attributes, files in /etc and inode flags under /home.");
        common_hardening(o);
        fprintf(o, "\n[Install]\nWantedBy=multi-user.target\n");
        return 0;
}

int gen_emit_systemd_verify(const struct gen_ctx *g, FILE *o) {
        _cleanup_free_ char *exe = exec_arg(g->exec_path ? g->exec_path : GEN_DEFAULT_EXEC_PATH);
        _cleanup_free_ char *prof = exec_arg(gen_profile_arg(g));
        const char *prom = g->prom_path ? g->prom_path : GEN_DEFAULT_PROM_PATH;
        _cleanup_free_ char *qprom = exec_arg(prom);
        _cleanup_free_ char *dir = xstrdup(prom);
        char *slash = strrchr(dir, '/');

        if (slash && slash != dir)
                *slash = '\0';
        gen_header(g, o, "systemd",
                   "Install as /etc/systemd/system/vpstune-verify.service (started by "
                   "vpstune-verify.timer). Writes the verify result for node_exporter's textfile "
                   "collector (--collector.textfile.directory); change the path with "
                   "'vpstune generate systemd --prom-file FILE'.",
                   (const char *const[]) { NULL });
        fprintf(o, "\n[Unit]\n"
                   "Description=Check that the vpstune profile %s is in effect\n"
                   "Documentation=man:vpstune(8)\n"
                   "After=vpstune-apply.service\n"
                   "\n[Service]\n"
                   "Type=oneshot\n"
                   "ExecStart=%s verify -p %s --format prometheus -o %s\n",
                gen_profile_arg(g), exe, prof, qprom);
        gen_comment(o, "", "Exit 1 is drift: a finding the metrics report, not a failure of the unit.");
        fprintf(o, "SuccessExitStatus=1\n"
                   "ProtectSystem=full\n"
                   "ProtectHome=read-only\n"
                   "ProtectKernelTunables=yes\n"
                   "ProtectControlGroups=yes\n"
                   "ReadWritePaths=-%s\n", dir);
        common_hardening(o);
        return 0;
}

int gen_emit_systemd_timer(const struct gen_ctx *g, FILE *o) {
        gen_header(g, o, "systemd",
                   "Install as /etc/systemd/system/vpstune-verify.timer and enable it: "
                   "systemctl enable --now vpstune-verify.timer.",
                   (const char *const[]) { NULL });
        fprintf(o, "\n[Unit]\n"
                   "Description=Check the vpstune profile hourly\n"
                   "Documentation=man:vpstune(8)\n"
                   "\n[Timer]\n"
                   "OnBootSec=5min\n"
                   "OnUnitActiveSec=1h\n"
                   "Unit=vpstune-verify.service\n"
                   "\n[Install]\n"
                   "WantedBy=timers.target\n");
        return 0;
}
