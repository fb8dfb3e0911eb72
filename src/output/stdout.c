/* SPDX-License-Identifier: MIT */
#include "output/stdout.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

int stdout_close_checked(void) {
        bool err = ferror(stdout);

        if (fflush(stdout) != 0)
                err = true;
        if (fclose(stdout) != 0 && errno != EBADF)
                err = true;
        if (err) {
                log_error_errno(errno ? errno : EIO, "write error on standard output: %m");
                return 3;
        }
        return 0;
}
