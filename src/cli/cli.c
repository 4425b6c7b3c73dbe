/* cli.c - helpers shared by the command groups (see cli.h). */
#include "cli/cli.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

const char *cli_user(void)
{
    const char *u = getenv("USER");
    if (u && *u)
        return u;
    const struct passwd *pw = getpwuid(geteuid());
    return pw && pw->pw_name ? pw->pw_name : "?";
}
