/* SPDX-License-Identifier: MIT */
/*
 * Crash-test hook. Built only with -DVPSTUNE_FAULT_INJECTION (the
 * vpstune-faultinject and knobctl-fi test binaries): every fault_point()
 * call advances one global step counter, and when it equals
 * VPSTUNE_CRASH_AT=N the process kills itself with SIGKILL — no atexit, no
 * flushing, exactly like a power cut from the journal's point of view.
 * In normal builds fault_point() is an empty inline function.
 *
 * Points (in order of an apply item): "orig" after an ORIG record is
 * durable, then inside multi-step writes (zram: after swapoff, after reset,
 * after disksize, after mkswap), "write" after the write returned, "done"
 * after the DONE record; "restore" after each restore during rollback.
 */
#pragma once

#ifdef VPSTUNE_FAULT_INJECTION
void fault_point(const char *name);
/* Points passed so far (to learn N for a crash-every-step test). */
unsigned fault_count(void);
#else
static inline void fault_point(const char *name) {
        (void) name;
}
static inline unsigned fault_count(void) {
        return 0;
}
#endif
