/*
 * unifarm-resume: the guest side of the farm's resume protocol (imager/.../model/ResumeProtocol.java).
 * The linux profile's /init starts it in the background before exec'ing the app. It waits on the second
 * serial port (ttyS1), which the farm adds only to snapshot and restore runs; after a restore the farm
 * writes "unifarm-resume <epoch s> <ns> <64 hex digits>\n" and this helper steps the wall clock (a
 * restored guest's is as old as the snapshot), adds the seed to the kernel's input pool and forces a CRNG
 * reseed (clones would otherwise share its output), then answers "unifarm-resumed\n" or
 * "unifarm-resume-failed <what>\n". It never writes to the console: that is the app's.
 * Built by scripts/provision: gcc -static -Os -s.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define TTY "/dev/ttyS1"
#define SEED_BYTES 32
#define LINE_MAX_BYTES 256

static int port = -1;

static void answer(const char *what, int err) {
    char out[LINE_MAX_BYTES];
    int n = what == NULL ? snprintf(out, sizeof out, "unifarm-resumed\n")
            : err ? snprintf(out, sizeof out, "unifarm-resume-failed %s: %s\n", what, strerror(err))
                  : snprintf(out, sizeof out, "unifarm-resume-failed %s\n", what);
    for (int off = 0; off < n;) {
        ssize_t w = write(port, out + off, (size_t) (n - off));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        off += (int) w;
    }
}

/* Parses a non-empty run of at most max_digits decimal digits ending at *end; 0 on success. */
static int parse_decimal(const char *s, const char **end, int max_digits, long long *value) {
    long long v = 0;
    int n = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++) {
        if (n == max_digits) return -1;
        v = v * 10 + (s[n] - '0');
    }
    if (n == 0) return -1;
    *end = s + n;
    *value = v;
    return 0;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static void handle(const char *line) {
    static const char prefix[] = "unifarm-resume ";
    const char *p = line;
    long long seconds, nanos;
    if (strncmp(p, prefix, sizeof prefix - 1) != 0) { answer("malformed request (no unifarm-resume prefix)", 0); return; }
    p += sizeof prefix - 1;
    /* 12 digits: up to year 33658, and no overflow of time_t. */
    if (parse_decimal(p, &p, 12, &seconds) != 0 || *p++ != ' ') { answer("malformed request (epoch seconds)", 0); return; }
    if (parse_decimal(p, &p, 9, &nanos) != 0 || *p++ != ' ') { answer("malformed request (nanoseconds 0..999999999)", 0); return; }
    /* struct rand_pool_info ends in a flexible array: the seed goes right there. */
    union { struct rand_pool_info info; unsigned char bytes[sizeof(struct rand_pool_info) + SEED_BYTES]; } entropy;
    unsigned char *seed = (unsigned char *) entropy.info.buf;
    for (int i = 0; i < SEED_BYTES; i++) {
        int hi = hex_value(p[2 * i]), lo = hi < 0 ? -1 : hex_value(p[2 * i + 1]);
        if (hi < 0 || lo < 0) { answer("malformed request (seed: 64 lowercase hex digits)", 0); return; }
        seed[i] = (unsigned char) (hi << 4 | lo);
    }
    if (p[2 * SEED_BYTES] != '\0') { answer("malformed request (seed: 64 lowercase hex digits)", 0); return; }

    struct timespec now = { .tv_sec = (time_t) seconds, .tv_nsec = (long) nanos };
    if (clock_settime(CLOCK_REALTIME, &now) != 0) { answer("clock_settime", errno); return; }
    int random = open("/dev/urandom", O_RDWR | O_CLOEXEC);
    if (random < 0) { answer("open /dev/urandom", errno); return; }
    entropy.info.entropy_count = SEED_BYTES * 8;
    entropy.info.buf_size = SEED_BYTES;
    if (ioctl(random, RNDADDENTROPY, &entropy.info) != 0) { answer("RNDADDENTROPY", errno); close(random); return; }
    if (ioctl(random, RNDRESEEDCRNG) != 0) { answer("RNDRESEEDCRNG", errno); close(random); return; }
    close(random);
    explicit_bzero(&entropy, sizeof entropy);
    answer(NULL, 0);
}

int main(void) {
    struct stat st;
    /* An initramfs has no devtmpfs: make the node if it is missing. */
    if (stat(TTY, &st) != 0 && mknod(TTY, S_IFCHR | 0600, makedev(4, 65)) != 0) return 0;
    /* O_NONBLOCK only for the open, which would otherwise wait for a carrier if CLOCAL were off. */
    port = open(TTY, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    struct termios raw;
    /* A normal boot has no second serial port: the node opens (or not) but the UART is absent. */
    if (port < 0 || tcgetattr(port, &raw) != 0) return 0;
    cfmakeraw(&raw);
    raw.c_cflag |= CLOCAL | CREAD;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(port, TCSANOW, &raw) != 0 || fcntl(port, F_SETFL, 0) != 0) return 0;

    char line[LINE_MAX_BYTES];
    size_t len = 0;
    int overlong = 0;
    for (;;) {
        char buf[64];
        ssize_t n = read(port, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            /* Never give up: the request comes in a later (restored) run of this very process. */
            sleep(1);
            continue;
        }
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\r') continue;
            if (c != '\n') {
                if (len < sizeof line - 1) line[len++] = c; else overlong = 1;
                continue;
            }
            line[len] = '\0';
            if (overlong) answer("malformed request (line too long)", 0);
            else if (len > 0) handle(line);
            len = 0;
            overlong = 0;
        }
    }
}
