/*
 * unifarm-compat: the farm's compatibility layer for .NET on Unikraft (issue 14; docs/architecture.md,
 * "Compatibility layer"). The imager puts this library into every image of a Unikraft kernel profile
 * (/usr/lib/unifarm/libunifarm-compat.so, preloaded through /etc/ld.so.preload, which a read-only 9pfs
 * root serves as well as an initrd).
 *
 * Unikraft's app-elfloader answers a few calls CoreCLR 2.0 makes differently from Linux, and CoreCLR
 * gives up on each of them. The farm cannot change the user's kernel, so it changes the answers at the
 * libc boundary: every wrapper calls the real function first (dlsym RTLD_NEXT) and changes the answer
 * only when the kernel refused, into what Linux would have answered. On a kernel that answers like
 * Linux (Linux itself, a newer Unikraft) the layer changes nothing.
 *
 * The evidence for each wrapper is a line of the recorded consoles in testdata/unikraft-0.16.3/ (stock
 * app-elfloader, Unikraft 0.16.3, syscall shim strace on).
 *
 * It also reports the process's end on the console in the one line the farm parses
 * (dev.unifarm.scheduler.CompatConsoleProtocol; keep the two in step):
 *     unifarm-compat: exit <code>      the process exits (main returned, exit, _exit, _Exit)
 *     unifarm-compat: abort            the process aborts (CoreCLR's PROCAbort, e.g. an unhandled exception)
 * and, on Unikraft only, powers the VM off, since app-elfloader idles after the app exits.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

#define LINE_PREFIX "unifarm-compat: "
/* Where the imager says how to power the VM off (only in Unikraft images). */
#define POWEROFF_FILE "/etc/unifarm/compat-poweroff"
#define POWEROFF_ENV "UNIFARM_COMPAT_POWEROFF"
/* QEMU's -device isa-debug-exit,iobase=0xf4,iosize=0x04: QEMU exits with ((value << 1) | 1) & 0xff. */
#define ISA_DEBUG_EXIT_PORT 0xf4
/* app-elfloader's default application stack: 32 pages; the kernel does not tell its size. */
#define ELFLOADER_STACK_SIZE (128 * 1024)
#define SIGABRT_EXIT 134

/* The stack top glibc's ld.so recorded: argc, then argv, envp and auxv (x86_64 System V ABI). */
extern void *__libc_stack_end;

static int poweroff_isa_debug_exit;
static int reported;
static pthread_t main_thread;

/* ---- helpers ---------------------------------------------------------------------------------- */

static void *real(const char *name) {
    void *function = dlsym(RTLD_NEXT, name);
    if (function == NULL) {
        static const char message[] = LINE_PREFIX "a libc function is missing\n";
        (void) !write(2, message, sizeof message - 1);
        _exit(127);
    }
    return function;
}

/* Resolves the next definition of NAME once, into a static of the wrapper. */
#define REAL(name) \
    static __typeof__(name) *real_##name; \
    if (real_##name == NULL) real_##name = (__typeof__(name) *) real(#name)

static void say(const char *line) {
    char buffer[128];
    int length = snprintf(buffer, sizeof buffer, LINE_PREFIX "%s\n", line);
    (void) !write(2, buffer, (size_t) length);
}

/* Ring 0 (app-elfloader runs the app in the kernel's privilege level): a port write is allowed. Never on Linux. */
static int in_ring0(void) {
    unsigned short cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return (cs & 3) == 0;
}

/* Ends the VM with CODE where the imager asked for it and the CPU allows it; else returns. */
static void power_off(int code) {
    if (!poweroff_isa_debug_exit || !in_ring0()) {
        return;
    }
    unsigned char value = (unsigned char) code;
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"((unsigned short) ISA_DEBUG_EXIT_PORT));
}

/* The console line and the power-off, once per process whichever way it ends. */
static void report_exit(int code) {
    if (__atomic_exchange_n(&reported, 1, __ATOMIC_SEQ_CST)) {
        return;
    }
    char line[32];
    snprintf(line, sizeof line, "exit %d", code & 0xff);
    say(line);
    power_off(code & 0xff);
}

static int sleep_ms(long ms) {
    struct timespec left = { ms / 1000, (ms % 1000) * 1000000L };
    return nanosleep(&left, NULL);
}

/* ---- the process's end ------------------------------------------------------------------------ */

/*
 * Kernel behaviour: app-elfloader does not end the VM when the app exits (no exit_group in the trace;
 * farm-patched-calibrated-ok-vm-idles.log ends with CoreCLR's shutdown and the VM idles). An on_exit
 * callback registered here sees the status when main returns as well as on exit(); a wrapped exit
 * would not see main's return. Flushes stdio first: powering off skips exit's own flush.
 */
static void on_process_exit(int status, void *unused) {
    (void) unused;
    fflush(NULL);
    report_exit(status);
}

/* _exit and _Exit skip on_exit callbacks: report here. glibc's exit calls its internal _exit, not this one. */
EXPORT void _exit(int status) {
    REAL(_exit);
    report_exit(status);
    real__exit(status);
    __builtin_unreachable();
}

EXPORT void _Exit(int status) {
    REAL(_Exit);
    report_exit(status);
    real__Exit(status);
    __builtin_unreachable();
}

/*
 * Kernel behaviour: abort raises SIGABRT through tgkill, which 0.16.3 does not implement (ENOSYS, inside
 * glibc where no wrapper reaches it); CoreCLR's PROCAbort then spins and the VM hangs. Here the abort is
 * reported, and on Unikraft the VM ends with 134 (128 + SIGABRT, as a shell reports an abort). On Linux
 * the real abort runs. Evidence (testdata/unikraft/): tgkill(0x1, 0x1, ...) = Function not implemented (-38)
 */
EXPORT void abort(void) {
    REAL(abort);
    if (!__atomic_exchange_n(&reported, 1, __ATOMIC_SEQ_CST)) {
        say("abort");
        power_off(SIGABRT_EXIT);
    }
    real_abort();
    __builtin_unreachable();
}

/* ---- calls the kernel refuses ----------------------------------------------------------------- */

/*
 * Kernel behaviour: mknodat of a FIFO is not implemented (0.16.3: ENOSYS; 0.21: EINVAL). CoreCLR 2.0's
 * TwoWayPipe::CreateServer makes its debugger FIFOs even with diagnostics off and fails start-up
 * without them. Evidence (farm-stock-mknodat-enosys.log):
 *     mknodat(0xffffff9c, 0x4002cc490, ...) = Function not implemented (-38)
 *     Failed to initialize CoreCLR, HRESULT: 0x80004005
 * glibc's mkfifo makes the mknodat syscall internally, so mkfifo is what is wrapped. Nothing ever
 * opens the FIFOs (no debugger attaches to a unikernel), so pretending success is enough.
 */
EXPORT int mkfifo(const char *path, mode_t mode) {
    REAL(mkfifo);
    int saved = errno;
    int result = real_mkfifo(path, mode);
    if (result == -1 && (errno == ENOSYS || errno == EINVAL || errno == EPERM)) {
        errno = saved;
        return 0;
    }
    return result;
}

/*
 * Kernel behaviour: statfs on 0.16.3's filesystems reports f_namelen 0, so pathconf(_PC_NAME_MAX) is 0
 * and System.Native's directory code fails with HRESULT 0x800700CE (filename too long). Linux's file
 * systems say 255. Evidence (testdata/unikraft/dotnet-9p-statfs-namelen-zero.log):
 *     statfs(0x40009dff0, 0x40009de90, ...) = 0x0
 *     Failed to initialize CoreCLR, HRESULT: 0x800700CE
 * (statfs/statvfs wrappers never fired: System.Native asks pathconf, through the PLT.)
 */
EXPORT long pathconf(const char *path, int name) {
    REAL(pathconf);
    int saved = errno;
    long result = real_pathconf(path, name);
    if (name == _PC_NAME_MAX && (result == 0 || (result == -1 && errno == ENOSYS))) {
        errno = saved;
        return 255;
    }
    return result;
}

/*
 * Kernel behaviour: no shared file mappings; mmap of /dev/zero with MAP_SHARED fails EOPNOTSUPP (other
 * builds: ENODEV, EINVAL), and CoreCLR's CorUnix::InternalMapViewOfFile turns that into an
 * OutOfMemoryException at start-up. Evidence (testdata/unikraft/dotnet-9p-devzero-shared-mmap.log):
 *     mmap(NULL, 32768, PROT_READ|PROT_WRITE, MAP_SHARED, fd:16, 0) = Operation not supported (-95)
 * In one process a shared mapping of a character device is private anonymous memory. The kernel reports
 * /dev/zero with rdev 0, so the test is S_ISCHR, not the device numbers 1:5.
 */
typedef void *(*mmap_function)(void *, size_t, int, int, int, off_t);

static void *compat_mmap(mmap_function real_mmap, void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
    int saved = errno;
    void *result = real_mmap(addr, length, prot, flags, fd, offset);
    if (result != MAP_FAILED || fd < 0 || (flags & MAP_ANONYMOUS) || (flags & MAP_TYPE) == MAP_PRIVATE) {
        return result;
    }
    int refused = errno;
    struct stat file;
    if ((refused != EOPNOTSUPP && refused != ENODEV && refused != EINVAL) || fstat(fd, &file) != 0
            || !S_ISCHR(file.st_mode)) {
        errno = refused;
        return MAP_FAILED;
    }
    result = real_mmap(addr, length, prot, (flags & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    errno = result == MAP_FAILED ? refused : saved;
    return result;
}

EXPORT void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
    REAL(mmap);
    return compat_mmap(real_mmap, addr, length, prot, flags, fd, offset);
}

EXPORT void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off64_t offset) {
    REAL(mmap64);
    return compat_mmap(real_mmap64, addr, length, prot, flags, fd, offset);
}

/*
 * Kernel behaviour: poll(NULL, 0, t) fails EFAULT (0.16.3 and later), where Linux sleeps t ms (forever
 * for -1). CoreCLR's ThreadPrepareForShutdown parks threads that way on the abort path; with EFAULT it
 * spins. Evidence (testdata/unikraft/, the abort path after the mmap failure):
 *     poll(0x0, 0x0, ...) = Bad address (-14)
 */
EXPORT int poll(struct pollfd *fds, nfds_t count, int timeout) {
    REAL(poll);
    int saved = errno;
    int result = real_poll(fds, count, timeout);
    if (result != -1 || errno != EFAULT || fds != NULL || count != 0) {
        return result;
    }
    for (;;) {
        // As Linux: a signal handler interrupts the sleep with EINTR.
        if (sleep_ms(timeout < 0 ? 3600L * 1000 : timeout) != 0) {
            return -1;
        }
        if (timeout >= 0) {
            errno = saved;
            return 0;
        }
    }
}

/* ---- socket options lwIP lacks ----------------------------------------------------------------- */

/* Receive and send timeouts the layer keeps for the kernel, in ms by descriptor (0: none). */
#define TIMEOUT_FDS 4096
static int receive_timeout_ms[TIMEOUT_FDS];
static int send_timeout_ms[TIMEOUT_FDS];

/* A timeval as Linux reads SO_RCVTIMEO: rounded up to ms; -1 for one Linux refuses (EDOM). */
static int timeval_ms(const void *value, socklen_t length) {
    const struct timeval *tv = value;
    if (value == NULL || length < sizeof *tv || tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
        return -1;
    }
    long long ms = tv->tv_sec * 1000LL + (tv->tv_usec + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : (int) ms;
}

/*
 * Kernel behaviour: lwIP (as app-elfloader 0.16.3 builds it) has no SO_REUSEPORT and no SO_RCVTIMEO /
 * SO_SNDTIMEO (LWIP_SO_RCVTIMEO off): setsockopt fails ENOPROTOOPT. .NET's
 * Socket.SetSocketOption(ReuseAddress) sets SO_REUSEADDR and then SO_REUSEPORT (Windows' semantics) and
 * throws on the second; TcpClient.ReceiveTimeout sets SO_RCVTIMEO and throws. Evidence (the echo-http
 * sample on app-elfloader 0.16.3, scripts/unikernel-check):
 *     setsockopt(0x1b, 0x1, ...) = 0x0
 *     setsockopt(0x1b, 0x1, ...) = Protocol not available (-92)
 *     Unhandled Exception: System.Net.Sockets.SocketException: Protocol not available
 * and, once that passed, on every accepted connection:
 *     setsockopt(0x1e, 0x1, ...) = Protocol not available (-92)
 *     echo-http: connection error: Protocol not available
 * SO_REUSEPORT: a unikernel runs one process, so there is no other socket to share the port with;
 * accepting it changes nothing the app can see. The timeouts are kept here and honoured as Linux does:
 * a blocking receive (send) that has nothing to read (no room) within the timeout fails EAGAIN.
 */
EXPORT int setsockopt(int fd, int level, int name, const void *value, socklen_t length) {
    REAL(setsockopt);
    int saved = errno;
    int result = real_setsockopt(fd, level, name, value, length);
    if (result == 0 || errno != ENOPROTOOPT || level != SOL_SOCKET) {
        return result;
    }
    if (name == SO_REUSEPORT) {
        errno = saved;
        return 0;
    }
    if ((name == SO_RCVTIMEO || name == SO_SNDTIMEO) && fd >= 0 && fd < TIMEOUT_FDS) {
        int ms = timeval_ms(value, length);
        if (ms < 0) {
            errno = EDOM;
            return -1;
        }
        (name == SO_RCVTIMEO ? receive_timeout_ms : send_timeout_ms)[fd] = ms;
        errno = saved;
        return 0;
    }
    errno = ENOPROTOOPT;
    return -1;
}

/* 0 when a blocking call on fd may go on; -1 (EAGAIN) when the kept timeout passed first. */
static int await_ready(int fd, short events, const int *timeouts, int flags) {
    if (fd < 0 || fd >= TIMEOUT_FDS || timeouts[fd] == 0 || (flags & MSG_DONTWAIT)) {
        return 0;
    }
    int status = fcntl(fd, F_GETFL);
    if (status == -1 || (status & O_NONBLOCK)) {
        return 0;
    }
    struct pollfd ready = {.fd = fd, .events = events};
    int result = poll(&ready, 1, timeouts[fd]);
    if (result == 0) {
        errno = EAGAIN;
        return -1;
    }
    return result < 0 ? -1 : 0;
}

EXPORT ssize_t recv(int fd, void *buffer, size_t length, int flags) {
    REAL(recv);
    return await_ready(fd, POLLIN, receive_timeout_ms, flags) ? -1 : real_recv(fd, buffer, length, flags);
}

EXPORT ssize_t recvfrom(int fd, void *buffer, size_t length, int flags, struct sockaddr *from, socklen_t *from_length) {
    REAL(recvfrom);
    return await_ready(fd, POLLIN, receive_timeout_ms, flags) ? -1 : real_recvfrom(fd, buffer, length, flags, from, from_length);
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *message, int flags) {
    REAL(recvmsg);
    return await_ready(fd, POLLIN, receive_timeout_ms, flags) ? -1 : real_recvmsg(fd, message, flags);
}

EXPORT ssize_t send(int fd, const void *buffer, size_t length, int flags) {
    REAL(send);
    return await_ready(fd, POLLOUT, send_timeout_ms, flags) ? -1 : real_send(fd, buffer, length, flags);
}

EXPORT ssize_t sendto(int fd, const void *buffer, size_t length, int flags, const struct sockaddr *to, socklen_t to_length) {
    REAL(sendto);
    return await_ready(fd, POLLOUT, send_timeout_ms, flags) ? -1 : real_sendto(fd, buffer, length, flags, to, to_length);
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *message, int flags) {
    REAL(sendmsg);
    return await_ready(fd, POLLOUT, send_timeout_ms, flags) ? -1 : real_sendmsg(fd, message, flags);
}

/* A closed descriptor's number comes back for the next socket: its kept timeouts go with it. */
EXPORT int close(int fd) {
    REAL(close);
    if (fd >= 0 && fd < TIMEOUT_FDS) {
        receive_timeout_ms[fd] = 0;
        send_timeout_ms[fd] = 0;
    }
    return real_close(fd);
}

/* ---- the main thread's stack ------------------------------------------------------------------ */

/* The end of what the loader put above __libc_stack_end: argv and env strings, auxv's strings and random bytes. */
static uintptr_t initial_stack_top(void) {
    long *start = (long *) __libc_stack_end;
    if (start == NULL) {
        return 0;
    }
    long argc = start[0];
    char **argv = (char **) (start + 1);
    uintptr_t top = (uintptr_t) (argv + argc + 1);
    for (long i = 0; i < argc; i++) {
        uintptr_t end = (uintptr_t) argv[i] + strlen(argv[i]) + 1;
        top = end > top ? end : top;
    }
    char **env = argv + argc + 1;
    while (*env != NULL) {
        uintptr_t end = (uintptr_t) *env + strlen(*env) + 1;
        top = end > top ? end : top;
        env++;
    }
    Elf64_auxv_t *aux = (Elf64_auxv_t *) (env + 1);
    for (; aux->a_type != AT_NULL; aux++) {
        uintptr_t value = aux->a_un.a_val;
        uintptr_t end = 0;
        if (aux->a_type == AT_EXECFN || aux->a_type == AT_PLATFORM || aux->a_type == AT_BASE_PLATFORM) {
            end = value + strlen((const char *) value) + 1;
        } else if (aux->a_type == AT_RANDOM) {
            end = value + 16;
        }
        top = end > top ? end : top;
    }
    uintptr_t auxv_end = (uintptr_t) (aux + 1);
    top = auxv_end > top ? auxv_end : top;
    return (top + 15) & ~(uintptr_t) 15;
}

/*
 * Kernel behaviour: glibc answers pthread_getattr_np for the main thread from /proc/self/maps, which
 * on Unikraft is the image's stand-in file: its [stack] must match where this kernel build put the
 * stack, or CoreCLR's PAL_GetStackBase/PAL_GetStackLimit fail start-up with HRESULT 0x80004005.
 * Evidence (farm-patched-default-stack-wrong.log): "Application stack at 0x400080020 - 0x4000a0020"
 * outside the image's [stack] 400040000-400060000. When glibc's answer does not hold the current stack
 * pointer, the answer is the real stack: top = the end of the loader's argv/env/auxv block (exactly the
 * loader's stack top), bottom = top - app-elfloader's stack size. No stack calibration is then needed.
 */
EXPORT int pthread_getattr_np(pthread_t thread, pthread_attr_t *attr) {
    REAL(pthread_getattr_np);
    int result = real_pthread_getattr_np(thread, attr);
    if (!pthread_equal(thread, main_thread) || !pthread_equal(thread, pthread_self())) {
        return result;
    }
    char here;
    uintptr_t sp = (uintptr_t) &here;
    if (result == 0) {
        void *address;
        size_t size;
        if (pthread_attr_getstack(attr, &address, &size) == 0 && sp >= (uintptr_t) address
                && sp < (uintptr_t) address + size) {
            return 0;
        }
    }
    uintptr_t top = initial_stack_top();
    if (top == 0 || sp >= top || sp < top - ELFLOADER_STACK_SIZE) {
        return result; // our own answer would be wrong too: keep glibc's
    }
    if (result != 0) {
        pthread_attr_init(attr);
    }
    pthread_attr_setstack(attr, (void *) (top - ELFLOADER_STACK_SIZE), ELFLOADER_STACK_SIZE);
    return 0;
}

/* ---- set-up ----------------------------------------------------------------------------------- */

static int poweroff_requested(void) {
    const char *env = getenv(POWEROFF_ENV);
    if (env != NULL) {
        return strcmp(env, "isa-debug-exit") == 0;
    }
    FILE *file = fopen(POWEROFF_FILE, "re");
    if (file == NULL) {
        return 0;
    }
    char how[32] = { 0 };
    int requested = fgets(how, sizeof how, file) != NULL && strncmp(how, "isa-debug-exit", 14) == 0;
    fclose(file);
    return requested;
}

__attribute__((constructor)) static void unifarm_compat_init(void) {
    main_thread = pthread_self();
    poweroff_isa_debug_exit = poweroff_requested();
    on_exit(on_process_exit, NULL);
}
