// The POSIX pieces of `plenar run` that Swift cannot express or cannot see: pipe2, posix_spawn
// set-up, wait status decoding, and a SA_SIGINFO signal handler that forwards to the child.
//
// Forwarding works per run "slot", so several runs in one process (tests) do not clobber each
// other. The handler only touches lock-free atomics and calls kill(2): it is async-signal-safe.
#ifndef PLENAR_POSIX_H
#define PLENAR_POSIX_H

#include <sys/types.h>

/// pipe2(O_CLOEXEC), with both ends moved to fd 3 or above (so they never collide with the
/// child's 0-2 even when ours are closed). Returns 0 or an errno.
int plenar_pipe(int fds[2]);

/// posix_spawn of `path` (no PATH search) with `argv` and `envp`. The child's fd 0, 1 and 2 become
/// `input`, `output` and `error` (a value already equal to its slot is inherited as is; -1 leaves
/// that slot closed in the child). Its signal
/// mask and SIGPIPE disposition are the ones this process started with. Exec failures
/// (ENOENT, EACCES, ENOEXEC...) come back as the return value. Returns 0 or an errno.
int plenar_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], int input, int output,
                 int error);

/// Whether fd 0, 1 or 2 was closed when this process started (`plenar run >&-`): the command
/// must then find it closed too, not a pipe that swallows what it writes.
int plenar_stdio_closed_at_start(int fd);

/// Blocks until `pid` has exited, without reaping it (waitid with WNOWAIT), so its pid cannot be
/// reused while a signal may still be forwarded to it. Returns 0 or an errno.
int plenar_wait_exit(pid_t pid);

/// Reaps `pid`. On success sets `*signal` to the killing signal (0 if it exited) and `*code` to
/// its exit code. Returns 0 or an errno.
int plenar_reap(pid_t pid, int *code, int *signal);

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
