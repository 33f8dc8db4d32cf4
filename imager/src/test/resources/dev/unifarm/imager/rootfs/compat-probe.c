/* CompatLayerNativeTest's probe: makes the calls CoreCLR makes that app-elfloader refuses, prints each answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "abort") == 0) {
        abort();
    }
    if (argc > 1 && strcmp(argv[1], "_exit") == 0) {
        _exit(5);
    }
    int fifo = mkfifo("/tmp/unifarm-compat-probe-fifo", 0600);
    printf("mkfifo %d %s\n", fifo, fifo == 0 ? "ok" : strerror(errno));
    unlink("/tmp/unifarm-compat-probe-fifo");
    int poll_result = poll(NULL, 0, 50);
    printf("poll %d %s\n", poll_result, poll_result == 0 ? "ok" : strerror(errno));
    int zero = open("/dev/zero", O_RDWR);
    char *shared = mmap(NULL, 32768, PROT_READ | PROT_WRITE, MAP_SHARED, zero, 0);
    if (shared != MAP_FAILED) {
        shared[0] = 1; /* the memory is there and writable */
    }
    printf("mmap %s\n", shared == MAP_FAILED ? strerror(errno) : "ok");
    int one = 1;
    int reuse = setsockopt(socket(AF_INET, SOCK_STREAM, 0), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    printf("setsockopt %d %s\n", reuse, reuse == 0 ? "ok" : strerror(errno));
    int pair[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
    struct timeval timeout = {.tv_sec = 0, .tv_usec = 200000};
    int timed = setsockopt(pair[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    printf("rcvtimeo %d %s\n", timed, timed == 0 ? "ok" : strerror(errno));
    if (timed == 0) { /* without the timeout this receive would wait for ever: nothing is ever sent */
        char byte;
        ssize_t got = recv(pair[0], &byte, 1, 0);
        printf("recv %zd %s\n", got, got >= 0 ? "ok" : strerror(errno));
    }
    fflush(stdout);
    return 3;
}
