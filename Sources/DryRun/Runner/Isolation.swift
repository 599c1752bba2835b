import Foundation

/// `--isolate`: every step's process (a run step's shell, a JavaScript action's node) starts
/// inside a bubblewrap sandbox (`bwrap`, Debian's `bubblewrap`):
///
/// - the machine's file system read-only (`--ro-bind / /`), a fresh `/dev` and `/proc`, and a
///   private, empty `/tmp` (a tmpfs that ends with the step);
/// - writable: the workspace and the runner folder (`RUNNER_TEMP`, the tool cache, the step
///   files, the event payload). Everything else, HOME included, can be read but not written
///   (the repository root and HOME stay visible even when they are under /tmp);
/// - new user, IPC, UTS and cgroup namespaces. The process IDs stay the machine's and bwrap
///   keeps the step's process group (no `--new-session`: stdin is /dev/null and the output a
///   pipe, so there is no terminal to reach), so background processes a step starts live on until
///   the job ends and are then killed with its group, as without isolation;
/// - the network: this machine's. Limiting it to loopback takes a network namespace, and a new
///   one (`--unshare-net`) has a loopback of its own: the host's `127.0.0.1`, where
///   `plenar-sandbox` listens, is not reachable from it (measured: `curl http://127.0.0.1:PORT`
///   to a host server fails inside `bwrap --unshare-net`). Reaching it would need a relay the
///   local run does not have, so the network is shared and the log says so; `--offline` asks
///   for the new namespace instead, for a job that needs no network, not even the sandbox.
///
/// Before the first step the dry run checks that `bwrap` is on PATH and can create its
/// namespaces here (unprivileged user namespaces may be off, or forbidden inside a container):
/// if not, it refuses to start, naming the reason.
struct Isolation {
    let bwrap: String
    /// Bound read-only at the same path over the private /tmp: folders under /tmp the steps read
    /// (the repository root, where actions are, and HOME).
    let readable: [String]
    /// Bound writable at the same path: the workspace and the runner folder.
    let writable: [String]
    /// `--offline`: a network namespace of the step's own (`--unshare-net`).
    var offline = false

    static let namespaces = ["--unshare-user-try", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]

    /// bwrap's arguments to run `executable` with `arguments` in `directory`.
    func arguments(_ executable: String, _ arguments: [String], directory: String) -> [String] {
        var result = ["--die-with-parent"] + Self.namespaces + (offline ? ["--unshare-net"] : [])
        result += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        // After the tmpfs, so a folder under /tmp is bound over it; writable ones last, so a
        // workspace inside the repository stays writable.
        for folder in readable { result += ["--ro-bind", folder, folder] }
        for folder in writable { result += ["--bind", folder, folder] }
        result += ["--chdir", directory, "--", executable]
        return result + arguments
    }
}

extension JobRun {
    /// With `--isolate`, finds bwrap and checks it works here; refuses the dry run otherwise.
    func prepareIsolation() throws(DryRunError) {
        guard options.isolate else {
            if options.offline { throw DryRunError("--offline works only with --isolate: without it, steps use this machine's network") }
            return
        }
        let path = machine.baseEnvironment["PATH"] ?? ""
        guard let bwrap = Shell.which("bwrap", in: path) else {
            throw DryRunError(
                "--isolate: bwrap (bubblewrap) is not on PATH (\(path)); install it (Debian and Ubuntu: apt-get install bubblewrap) "
                    + "or run without --isolate, knowing that the steps then run on this machine as you. No step has run.")
        }
        var writable = [machine.root]
        if !machine.workspace.hasPrefix(machine.root + "/") { writable.append(machine.workspace) }
        let readable = [options.repositoryRoot, machine.baseEnvironment["HOME"] ?? ""].map { ($0 as NSString).standardizingPath }
            .filter { $0.hasPrefix("/tmp/") && FileManager.default.fileExists(atPath: $0) }
        let candidate = Isolation(bwrap: bwrap, readable: readable, writable: writable, offline: options.offline)

        // One trial run of `true` in the same sandbox: bwrap's own message says what is missing.
        var lines: [String] = []
        let probe = processes.run(
            executable: bwrap, arguments: candidate.arguments("/bin/sh", ["-c", "true"], directory: machine.workspace),
            environment: ["PATH": path], directory: machine.workspace, timeout: nil
        ) { lines.append($0) }
        guard probe == .exited(0) else {
            let reason = lines.joined(separator: " ").trimmingCharacters(in: .whitespaces)
            throw DryRunError(
                "--isolate: \(bwrap) cannot create its sandbox here (\(reason.isEmpty ? "\(probe)" : reason)); unprivileged user "
                    + "namespaces may be disabled (sysctl kernel.unprivileged_userns_clone, or AppArmor's "
                    + "kernel.apparmor_restrict_unprivileged_userns) or forbidden inside this container. No step has run.")
        }
        isolation = candidate
        log.note(
            "--isolate: each step runs in bubblewrap: / read-only, a private /tmp, writable workspace (\(machine.workspace)) and "
                + (options.offline
                    ? "runner folder; no network (a loopback of its own: this machine's 127.0.0.1 is out of reach)"
                    : "runner folder; the network is this machine's"))
    }

    /// The command that runs `executable` for a step: itself, or bwrap around it with `--isolate`.
    func isolated(_ executable: String, _ arguments: [String], directory: String) -> (String, [String]) {
        guard let isolation else { return (executable, arguments) }
        return (isolation.bwrap, isolation.arguments(executable, arguments, directory: directory))
    }
}
