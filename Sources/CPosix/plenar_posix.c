#define _GNU_SOURCE
#include "plenar_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __APPLE__
#include <crt_externs.h>
#endif

// MARK: - Pipes and processes

static int move_above_stdio(int fd) {
    if (fd > 2) return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int saved = errno;
    close(fd);
    errno = saved;
    return moved;
}

int plenar_pipe(int fds[2]) {
#ifdef __APPLE__
    // No pipe2: a spawn on another thread in the instant before FD_CLOEXEC is set may inherit
    // the ends (the child then holds a pipe open a little longer; nothing else changes).
    if (pipe(fds) != 0) return errno;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
#else
    if (pipe2(fds, O_CLOEXEC) != 0) return errno;
#endif
    fds[0] = move_above_stdio(fds[0]);
    fds[1] = move_above_stdio(fds[1]);
    if (fds[0] < 0 || fds[1] < 0) {
        int saved = errno;
        if (fds[0] >= 0) close(fds[0]);
        if (fds[1] >= 0) close(fds[1]);
        fds[0] = fds[1] = -1;
        return saved;
    }
    return 0;
}

int plenar_pipe_grow(int fd, int size) {
#ifdef F_SETPIPE_SZ
    return fcntl(fd, F_SETPIPE_SZ, size);
#else
    (void)fd;
    (void)size;
    return -1;
#endif
}

int plenar_pipe_pending(int fd) {
    int count = 0;
    return ioctl(fd, FIONREAD, &count) == 0 ? count : -1;
}

// The child should start with the signal state plenar itself started with, not the current one:
// the CLI ignores SIGPIPE for itself (inherited, a `yes | head` inside the child would print
// "Broken pipe" errors instead of ending quietly), and the thread that spawns may block signals
// (Dispatch and Swift concurrency threads do; a blocked SIGTERM would never reach the child). So
// remember both as they were before main() ran.
static bool sigpipe_ignored_at_start;
static sigset_t mask_at_start;
static bool stdio_closed_at_start[3];

__attribute__((constructor)) static void record_signals_at_start(void) {
    // A closed 0, 1 or 2 is held by /dev/null (close-on-exec) for plenar's own life, so that no
    // file plenar opens lands there and receives its messages; the command still finds it closed.
    for (int fd = 0; fd < 3; fd++) {
        stdio_closed_at_start[fd] = fcntl(fd, F_GETFD) == -1 && errno == EBADF;
        if (stdio_closed_at_start[fd]) {
            int held = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (held >= 0 && held != fd) close(held);
        }
    }
    struct sigaction current;
    sigpipe_ignored_at_start = sigaction(SIGPIPE, NULL, &current) == 0 && current.sa_handler == SIG_IGN;
    sigemptyset(&mask_at_start);
    pthread_sigmask(SIG_SETMASK, NULL, &mask_at_start);
}

int plenar_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const int fds[3],
                 enum plenar_spawn_signals signals, int new_group, const char *directory) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int result = posix_spawn_file_actions_init(&actions);
    if (result != 0) return result;
    result = posix_spawnattr_init(&attributes);
    if (result != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return result;
    }
    for (int target = 0; target < 3 && result == 0; target++) {
        if (fds[target] == PLENAR_SPAWN_NULL) {
            result = posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
        } else if (fds[target] < 0) {
            result = posix_spawn_file_actions_addclose(&actions, target);
        } else if (fds[target] != target) {
            result = posix_spawn_file_actions_adddup2(&actions, fds[target], target);
        }
    }
    if (result == 0 && directory != NULL) result = posix_spawn_file_actions_addchdir_np(&actions, directory);
    short flags = 0;
    if (signals == PLENAR_SIGNALS_AT_START) {
        flags |= POSIX_SPAWN_SETSIGMASK;
        if (result == 0) result = posix_spawnattr_setsigmask(&attributes, &mask_at_start);
        if (result == 0 && !sigpipe_ignored_at_start) {
            sigset_t defaults;
            sigemptyset(&defaults);
            sigaddset(&defaults, SIGPIPE);
            result = posix_spawnattr_setsigdefault(&attributes, &defaults);
            flags |= POSIX_SPAWN_SETSIGDEF;
        }
    } else if (signals == PLENAR_SIGNALS_DEFAULT) {
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        sigdelset(&all, SIGKILL);
        sigdelset(&all, SIGSTOP);
        if (result == 0) result = posix_spawnattr_setsigmask(&attributes, &none);
        if (result == 0) result = posix_spawnattr_setsigdefault(&attributes, &all);
        flags |= POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    }
    if (new_group) {
        if (result == 0) result = posix_spawnattr_setpgroup(&attributes, 0);
        flags |= POSIX_SPAWN_SETPGROUP;
    }
    if (result == 0) result = posix_spawnattr_setflags(&attributes, flags);
    if (result == 0) result = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return result;
}

char *const *plenar_environment(void) {
#ifdef __APPLE__
    return *_NSGetEnviron();
#else
    extern char **environ;
    return environ;
#endif
}

int plenar_stdio_closed_at_start(int fd) {
    return fd >= 0 && fd < 3 && stdio_closed_at_start[fd];
}

int plenar_wait_exit(pid_t pid) {
    siginfo_t info;
    while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}

// MARK: - Signal forwarding

#define SLOT_COUNT 32

static const int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define FORWARDED_COUNT (sizeof forwarded_signals / sizeof forwarded_signals[0])

static struct slot {
    atomic_bool used;
    atomic_int pid;        // 0 until the child exists and again once it has exited
    atomic_int first;      // first signal received during the run
    atomic_uint pending;   // bit per signal: to forward, not yet forwarded
} slots[SLOT_COUNT];

static pthread_mutex_t installation = PTHREAD_MUTEX_INITIALIZER;
static int active_runs;
static bool installed[FORWARDED_COUNT];
static struct sigaction previous[FORWARDED_COUNT];
// With SIGCHLD ignored (inheritable from whoever started us), the kernel reaps children itself and
// waitid fails with ECHILD: the child's status would be lost. It is the default during runs.
static bool child_ignored;
static struct sigaction previous_child;

// A pending bit is cleared by whoever sends it, so each signal is forwarded exactly once even
// when it races with plenar_forward_to.
static void forward_pending(struct slot *slot, pid_t pid, unsigned bits) {
    unsigned taken = atomic_fetch_and(&slot->pending, ~bits) & bits;
    for (int sig = 1; sig < 32; sig++) {
        if (taken & (1u << sig)) kill(pid, sig);
    }
}

static void dispatch(int sig, int code) {
    int saved = errno;
    for (int index = 0; index < SLOT_COUNT; index++) {
        struct slot *slot = &slots[index];
        if (!atomic_load(&slot->used)) continue;
        int none = 0;
        atomic_compare_exchange_strong(&slot->first, &none, sig);
        // From the terminal (si_code > 0) the signal already reached the whole foreground group,
        // the child included. (In the instant before the child exists it is lost to the child;
        // holding it instead would double it when the child exists but its pid is not yet
        // stored, and a second Ctrl-C makes some programs quit hard.)
        if (code > 0) continue;
        atomic_fetch_or(&slot->pending, 1u << sig);
        pid_t pid = atomic_load(&slot->pid);
        if (pid > 0) forward_pending(slot, pid, 1u << sig);
    }
    errno = saved;
}

static void handler(int sig, siginfo_t *info, void *context) {
    (void)context;
    dispatch(sig, info->si_code);
}

int plenar_forward_begin(void) {
    pthread_mutex_lock(&installation);
    int found = -1;
    for (int index = 0; index < SLOT_COUNT && found < 0; index++) {
        if (atomic_load(&slots[index].used)) continue;
        atomic_store(&slots[index].pid, 0);
        atomic_store(&slots[index].first, 0);
        atomic_store(&slots[index].pending, 0);
        atomic_store(&slots[index].used, true);
        found = index;
    }
    if (found >= 0 && active_runs++ == 0) {
        struct sigaction action = {0};
        action.sa_sigaction = handler;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        for (size_t index = 0; index < FORWARDED_COUNT; index++) {
            int sig = forwarded_signals[index];
            installed[index] = sigaction(sig, NULL, &previous[index]) == 0 && previous[index].sa_handler != SIG_IGN &&
                               sigaction(sig, &action, NULL) == 0;
        }
        child_ignored = sigaction(SIGCHLD, NULL, &previous_child) == 0 && previous_child.sa_handler == SIG_IGN;
        if (child_ignored) signal(SIGCHLD, SIG_DFL);
    }
    pthread_mutex_unlock(&installation);
    return found;
}

void plenar_forward_to(int slot, pid_t pid) {
    if (slot < 0) return;
    atomic_store(&slots[slot].pid, pid);
    forward_pending(&slots[slot], pid, ~0u);
}

int plenar_forward_end(int slot) {
    if (slot < 0) return 0;
    atomic_store(&slots[slot].pid, 0);
    int first = atomic_load(&slots[slot].first);
    pthread_mutex_lock(&installation);
    if (--active_runs == 0) {
        for (size_t index = 0; index < FORWARDED_COUNT; index++) {
            if (installed[index]) sigaction(forwarded_signals[index], &previous[index], NULL);
            installed[index] = false;
        }
        if (child_ignored) sigaction(SIGCHLD, &previous_child, NULL);
        child_ignored = false;
    }
    atomic_store(&slots[slot].used, false);
    pthread_mutex_unlock(&installation);
    return first;
}

void plenar_forward_unblock(void) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t index = 0; index < FORWARDED_COUNT; index++) sigaddset(&set, forwarded_signals[index]);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void plenar_forward_simulate(int signal, int si_code) { dispatch(signal, si_code); }
