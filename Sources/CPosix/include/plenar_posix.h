// The POSIX pieces that Swift cannot express or cannot see: pipe2, posix_spawn set-up (with the
// signal state this process started with), the environment, and a SA_SIGINFO signal handler that
// forwards to `plenar run`'s child. Used only through the Platform target, except forwarding.
//
// Forwarding works per run "slot", so several runs in one process (tests) do not clobber each
// other. The handler only touches lock-free atomics and calls kill(2): it is async-signal-safe.
#ifndef PLENAR_POSIX_H
#define PLENAR_POSIX_H

#include <sys/types.h>

/// pipe2(O_CLOEXEC), with both ends moved to fd 3 or above (so they never collide with the
/// child's 0-2 even when ours are closed). Returns 0 or an errno.
int plenar_pipe(int fds[2]);

/// Asks for a pipe buffer of `size` bytes (Linux F_SETPIPE_SZ; the kernel's pipe-max-size, 1 MiB
/// by default, bounds it for unprivileged processes). Returns the size granted, or -1 where the
/// size cannot be set (other systems, or a refusal): the pipe keeps its default then.
int plenar_pipe_grow(int fd, int size);

/// How many bytes the pipe of `fd` holds (FIONREAD), or -1.
int plenar_pipe_pending(int fd);

/// A stdio slot of the child left closed (`plenar_spawn`'s `fds`).
#define PLENAR_SPAWN_CLOSED (-1)
/// A stdio slot of the child opened on /dev/null.
#define PLENAR_SPAWN_NULL (-2)

/// The signal state a spawned child starts with.
enum plenar_spawn_signals {
    /// The spawning thread's mask and this process's dispositions, as posix_spawn gives them.
    PLENAR_SIGNALS_INHERITED = 0,
    /// The signal mask and SIGPIPE disposition this process started with (before main), so a
    /// wrapped command sees what it would have seen without us.
    PLENAR_SIGNALS_AT_START = 1,
    /// Nothing blocked, every disposition the default: how a CI runner starts a step.
    PLENAR_SIGNALS_DEFAULT = 2,
};

/// posix_spawn of `path` (no PATH search) with `argv` and `envp`. The child's fd 0, 1 and 2 come
/// from `fds` (a value already equal to its slot is inherited as is; PLENAR_SPAWN_CLOSED leaves
/// the slot closed, PLENAR_SPAWN_NULL opens /dev/null). `new_group`: the child leads a new process
/// group. `directory`: the child's working folder (NULL: ours). Exec failures (ENOENT, EACCES,
/// ENOEXEC...) come back as the return value. Returns 0 or an errno.
int plenar_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const int fds[3],
                 enum plenar_spawn_signals signals, int new_group, const char *directory);

/// This process's environment (`environ`; `_NSGetEnviron()` on Darwin).
char *const *plenar_environment(void);

/// Whether fd 0, 1 or 2 was closed when this process started (`plenar run >&-`): the command
/// must then find it closed too, not a pipe that swallows what it writes.
int plenar_stdio_closed_at_start(int fd);

/// Blocks until `pid` has exited, without reaping it (waitid with WNOWAIT), so its pid cannot be
/// reused while a signal may still be forwarded to it. Returns 0 or an errno.
int plenar_wait_exit(pid_t pid);

/// Starts forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT for one run; the first run installs the
/// handlers (leaving alone any of these signals that is ignored, so the child inherits that) and
/// makes an ignored SIGCHLD the default for the time of the runs (else the status is lost). A
/// signal arriving before `plenar_forward_to` is held and forwarded then. Returns the slot, or -1
/// if all slots are taken (no forwarding then).
int plenar_forward_begin(void);

/// The run's child exists: forwards what arrived so far, and from now on every signal sent by a
/// process (si_code <= 0). Signals from the kernel (a terminal's Ctrl-C, Ctrl-\, hang-up) already
/// reached the child through its process group and are only recorded.
void plenar_forward_to(int slot, pid_t pid);

/// Ends the run's forwarding (the last run restores the previous handlers). Returns the first of
/// the four signals received during the run, forwarded or not, or 0.
int plenar_forward_end(int slot);

/// Unblocks the four signals in the calling thread, so that a pump thread can take them even when
/// the thread that started the run blocks them (Dispatch and Swift concurrency threads do).
void plenar_forward_unblock(void);

/// Test hook: does what the handler does for `signal` sent with `si_code`, without a real signal.
void plenar_forward_simulate(int signal, int si_code);

#endif
