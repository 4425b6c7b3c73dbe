/* pdf.c - printing HTML to PDF with headless Chromium (see pdf.h). */
#include "web/pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"

const char *pdf_chromium(void)
{
    const char *p = getenv("PASSERELLE_CHROMIUM");
    if (p && *p)
        return access(p, X_OK) == 0 ? p : NULL;
    return access("/usr/bin/chromium", X_OK) == 0 ? "/usr/bin/chromium" : NULL;
}

static int ecrire(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    return close(fd);
}

static int enlever(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(path) < 0 ? 0 : 0; /* best effort: go on */
}

/* Remove the temporary directory and everything in it (Chromium's profile). */
static void supprimer(const char *dir)
{
    nftw(dir, enlever, 16, FTW_DEPTH | FTW_PHYS);
}

static double maintenant(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run Chromium; 0 when it exited with status 0 within the delay. */
static int lancer(const char *chromium, const char *dir, char *err, size_t errlen)
{
    char html[512], pdf[512], profil[512], url[560];
    snprintf(html, sizeof html, "%s/rapport.html", dir);
    snprintf(pdf, sizeof pdf, "--print-to-pdf=%s/rapport.pdf", dir);
    snprintf(profil, sizeof profil, "--user-data-dir=%s/profil", dir);
    snprintf(url, sizeof url, "file://%s", html);
    char home[520];
    snprintf(home, sizeof home, "HOME=%s", dir);
    char *const env[] = {home, "PATH=/usr/bin:/bin", "LANG=fr_FR.UTF-8", NULL};
    char *const argv[] = {(char *)chromium, "--headless", "--no-sandbox", "--disable-gpu",
                          "--no-first-run", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync",
                          "--disable-extensions", "--no-pdf-header-footer",
                          "--run-all-compositor-stages-before-draw", profil, pdf, url, NULL};
    /* its own process group (killed as a whole on timeout), no terminal */
    posix_spawnattr_t at;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&fa, 0, 1);
    posix_spawn_file_actions_adddup2(&fa, 0, 2);
    pid_t pid;
    int e = posix_spawn(&pid, chromium, &fa, &at, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (e != 0) {
        snprintf(err, errlen, "posix_spawn %s: %s", chromium, strerror(e));
        return -1;
    }
    double fin = maintenant() + PDF_DELAI_S;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            snprintf(err, errlen, "waitpid: %s", strerror(errno));
            return -1;
        }
        if (maintenant() > fin) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            snprintf(err, errlen, "chromium took more than %d s", PDF_DELAI_S);
            return -1;
        }
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    kill(-pid, SIGKILL); /* helpers left behind, if any */
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "chromium failed (status %d)", status);
        return -1;
    }
    return 0;
}

/* The document with its links to /static/NAME pointed at the local copies. */
static char *relier_css(const char *html, size_t len, const struct pdf_fichier *f, size_t nf,
                        size_t *outlen)
{
    struct buf b = BUF_INIT;
    buf_add(&b, html, len);
    for (size_t i = 0; i < nf && !b.oom; i++) {
        char lien[160], local[160];
        snprintf(lien, sizeof lien, "href=\"/static/%s\"", f[i].nom);
        snprintf(local, sizeof local, "href=\"%s\"", f[i].nom);
        const char *p = b.s ? memmem(b.s, b.len, lien, strlen(lien)) : NULL;
        if (!p)
            continue;
        struct buf c = BUF_INIT;
        buf_add(&c, b.s, (size_t)(p - b.s));
        buf_puts(&c, local);
        buf_add(&c, p + strlen(lien), b.len - (size_t)(p - b.s) - strlen(lien));
        buf_free(&b);
        b = c;
    }
    *outlen = b.len;
    return buf_take(&b);
}

enum pdf_resultat pdf_imprimer(const char *html, size_t len, const struct pdf_fichier *f,
                               size_t nf, struct buf *out, char *err, size_t errlen)
{
    const char *chromium = pdf_chromium();
    if (!chromium)
        return PDF_ABSENT;
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char verrou[512], dir[512];
    snprintf(verrou, sizeof verrou, "%s/passerelle-pdf.lock", tmp);
    int lk = open(verrou, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lk < 0) {
        snprintf(err, errlen, "%s: %s", verrou, strerror(errno));
        return PDF_ECHEC;
    }
    if (flock(lk, LOCK_EX | LOCK_NB) < 0) {
        close(lk);
        return PDF_OCCUPE;
    }
    enum pdf_resultat rc = PDF_ECHEC;
    snprintf(dir, sizeof dir, "%s/passerelle-pdf-XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
        goto out;
    }
    size_t hl;
    char *doc = relier_css(html, len, f, nf, &hl);
    char path[560];
    snprintf(path, sizeof path, "%s/rapport.html", dir);
    int w = doc ? ecrire(path, doc, hl) : -1;
    free(doc);
    for (size_t i = 0; i < nf && w == 0; i++) {
        /* plain file names only */
        if (strchr(f[i].nom, '/') || f[i].nom[0] == '.') {
            w = -1;
            break;
        }
        snprintf(path, sizeof path, "%s/%s", dir, f[i].nom);
        w = ecrire(path, f[i].data, f[i].len);
    }
    if (w < 0) {
        snprintf(err, errlen, "writing %s: %s", dir, strerror(errno));
        goto clean;
    }
    if (lancer(chromium, dir, err, errlen) < 0)
        goto clean;
    snprintf(path, sizeof path, "%s/rapport.pdf", dir);
    size_t plen;
    char *data = file_read(path, &plen, err, errlen);
    if (!data)
        goto clean;
    if (plen < 5 || memcmp(data, "%PDF-", 5) != 0 || plen > PDF_MAX_OCTETS) {
        snprintf(err, errlen, "chromium gave no PDF (%zu bytes)", plen);
    } else {
        buf_add(out, data, plen);
        rc = out->oom ? PDF_ECHEC : PDF_OK;
        if (out->oom)
            snprintf(err, errlen, "out of memory");
    }
    free(data);
clean:
    supprimer(dir);
out:
    flock(lk, LOCK_UN);
    close(lk);
    return rc;
}
